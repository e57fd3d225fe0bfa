throw new Error('configuration missing');
export const handler = async () => ({});
