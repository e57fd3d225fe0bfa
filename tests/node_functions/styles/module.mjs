// An ES module handler, with top-level await.
const loadedAt = await Promise.resolve('init');

export const handler = async (event) => ({ style: 'esm', loadedAt, event });
