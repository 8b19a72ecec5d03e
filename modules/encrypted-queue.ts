import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Construct } from "constructs";

export interface EncryptedQueueProps {
  /** Must end in `.fifo` for a FIFO queue (SQS developer guide, "FIFO queue names"). */
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  /** @default false */
  readonly fifo?: boolean;
  /**
   * How long a received message stays hidden. Lambda needs at least the consumer's timeout;
   * AWS recommends six times it (Lambda developer guide, "Using Lambda with Amazon SQS").
   */
  readonly visibilityTimeoutSeconds: number;
  /** @default 20 (long polling) */
  readonly receiveWaitTimeSeconds?: number;
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
}

/**
 * An SQS queue encrypted with SQS-managed keys (no KMS permissions needed to send or
 * receive), with a dead-letter queue so a message that keeps failing stops being retried.
 */
export class EncryptedQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: EncryptedQueueProps) {
    super(scope, id);
    const fifo = props.fifo ?? false;
    this.deadLetterQueue = new SqsQueue(this, "DeadLetterQueue", {
      name: props.deadLetterQueueName,
      fifoQueue: fifo || undefined,
      sqsManagedSseEnabled: true,
      // The longest SQS keeps a message: time to look at what failed.
      messageRetentionSeconds: 1_209_600,
    });
    this.queue = new SqsQueue(this, "Queue", {
      name: props.queueName,
      fifoQueue: fifo || undefined,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds,
      receiveWaitTimeSeconds: props.receiveWaitTimeSeconds ?? 20,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: props.maxReceiveCount ?? 5 }),
    });
  }
}
