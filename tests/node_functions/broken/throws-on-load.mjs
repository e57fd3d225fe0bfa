console.log(`loading in ${process.pid}`);
throw new Error('configuration missing');
export const handler = async () => ({});
