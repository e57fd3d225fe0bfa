// A .js file in a "type": "module" package: an ES module, which Lambda imports rather than requires.
export const handler = async (event) => ({ style: 'type-module', isModule: typeof require === 'undefined', event });
