// An .mts handler that uses a package: the AWS SDK, which this folder does not have, so the runtime's is used.
import { SNSClient } from '@aws-sdk/client-sns';

export const handler = async (): Promise<{ region: string }> => ({ region: await new SNSClient({}).config.region() });
