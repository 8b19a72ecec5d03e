import type { Construct } from "constructs";
import { AlarmSet, type AlarmSetProps } from "./metric-alarm";

export { CLOUDFRONT_METRICS_REGION } from "../../lib/naming";

export interface CloudFrontAlarmThresholds {
  /** 5xxErrorRate: percentage of viewer requests answered with a 5xx. */
  readonly serverErrorRatePercent: number;
  /** 4xxErrorRate: percentage of viewer requests answered with a 4xx. */
  readonly clientErrorRatePercent: number;
}

export interface CloudFrontAlarmsProps extends AlarmSetProps {
  readonly distributionId: string;
  readonly thresholds: CloudFrontAlarmThresholds;
}

const NAMESPACE = "AWS/CloudFront";

/**
 * Alarms on a distribution's viewer error rates (already percentages, so `Average` over the
 * period). Pass a provider for CLOUDFRONT_METRICS_REGION and a topic in that region.
 */
export class CloudFrontAlarms extends AlarmSet {
  constructor(scope: Construct, id: string, props: CloudFrontAlarmsProps) {
    super(scope, id, props);
    const { thresholds } = props;
    // CloudFront's default metrics carry Region=Global next to the distribution id.
    const dimensions = { DistributionId: props.distributionId, Region: "Global" };

    this.addAlarm("ServerErrorRate", {
      what: "5xx-rate",
      description: `More than ${thresholds.serverErrorRatePercent}% of CloudFront responses are 5xx: an origin (SSR function, API, assets bucket) is failing or timing out.`,
      comparison: "GreaterThanThreshold",
      threshold: thresholds.serverErrorRatePercent,
      // CloudFront reports rates only for periods with requests; no viewers, no errors.
      treatMissingData: "notBreaching",
      source: { namespace: NAMESPACE, metricName: "5xxErrorRate", dimensions, statistic: "Average" },
    });
    this.addAlarm("ClientErrorRate", {
      what: "4xx-rate",
      description: `More than ${thresholds.clientErrorRatePercent}% of CloudFront responses are 4xx: often missing assets after a release, or broken links.`,
      comparison: "GreaterThanThreshold",
      threshold: thresholds.clientErrorRatePercent,
      treatMissingData: "notBreaching",
      source: { namespace: NAMESPACE, metricName: "4xxErrorRate", dimensions, statistic: "Average" },
    });
  }
}
