/**
 * The Slack message for a deployment notice, as Block Kit: pure data in, payload out.
 * `text` is the fallback Slack shows in notifications and to clients without blocks.
 */
import type { CiContext } from "./ci-context";

export const NOTIFY_STATUSES = ["failure", "success", "rollback"] as const;
export type NotifyStatus = (typeof NOTIFY_STATUSES)[number];

export interface NoticeContext {
  readonly status: NotifyStatus;
  /** Environment name, e.g. `prod`. */
  readonly environment: string;
  /** @default none */
  readonly project?: string;
  /** The pipeline step the notice is about (for a failure: the step that failed). */
  readonly step?: string;
  /** Free text from the pipeline, e.g. the error summary. */
  readonly message?: string;
  readonly ci: CiContext;
  /**
   * What happened, in place of the status's usual wording (e.g. "checks failed" for a run
   * that deployed nothing).
   * @default "deployment failed" / "deployment succeeded" / "rolled back"
   */
  readonly headline?: string;
}

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

export type SlackBlock = Readonly<Record<string, unknown>>;

const STATUS_LOOK: Record<NotifyStatus, { emoji: string; headline: string; buttonStyle?: "danger" | "primary" }> = {
  failure: { emoji: ":x:", headline: "deployment failed", buttonStyle: "danger" },
  success: { emoji: ":white_check_mark:", headline: "deployment succeeded", buttonStyle: "primary" },
  rollback: { emoji: ":rewind:", headline: "rolled back" },
};

// Block Kit limits (characters): header text, section field, section text, button label.
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
const SECTION_MAX = 3000;

export function buildSlackMessage(notice: NoticeContext): SlackMessage {
  const look = STATUS_LOOK[notice.status];
  const { ci } = notice;
  const target = notice.project ? `${notice.project} ${notice.environment}` : notice.environment;
  const headline = `${target}: ${notice.headline ?? look.headline}`;
  const stepLabel = notice.status === "failure" ? "Failed step" : "Step";
  const shortSha = ci.sha?.slice(0, 7);

  const fields: [string, string | undefined][] = [
    ["Environment", escapeText(notice.environment)],
    ["Status", notice.status],
    ["Commit", shortSha ? (ci.commitUrl ? link(ci.commitUrl, shortSha) : escapeText(shortSha)) : undefined],
    ["Author", ci.actor && escapeText(ci.actor)],
    ["Workflow", ci.workflow && escapeText(ci.job ? `${ci.workflow} / ${ci.job}` : ci.workflow)],
    [stepLabel, notice.step && escapeText(notice.step)],
  ];
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(`${look.emoji} ${headline}`, HEADER_MAX), emoji: true } },
    {
      type: "section",
      fields: fields
        .filter((field): field is [string, string] => field[1] !== undefined)
        .map(([label, value]) => ({ type: "mrkdwn", text: truncate(`*${label}*\n${value}`, FIELD_MAX) })),
    },
  ];
  if (notice.message) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate(escapeText(notice.message), SECTION_MAX) } });
  }
  if (ci.runUrl) {
    blocks.push({
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Open CI run" },
          url: ci.runUrl,
          ...(look.buttonStyle ? { style: look.buttonStyle } : {}),
        },
      ],
    });
  }
  const context = [ci.repository, ci.refName].filter((part): part is string => Boolean(part));
  if (context.length > 0) {
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: escapeText(context.join(" · ")) }] });
  }
  return { text: fallbackText(headline, notice, stepLabel, shortSha), blocks };
}

function fallbackText(headline: string, notice: NoticeContext, stepLabel: string, shortSha: string | undefined): string {
  const parts = [headline];
  if (notice.step) parts.push(`${stepLabel.toLowerCase()}: ${notice.step}`);
  if (shortSha) parts.push(`commit ${shortSha}${notice.ci.actor ? ` by ${notice.ci.actor}` : ""}`);
  if (notice.ci.runUrl) parts.push(notice.ci.runUrl);
  return escapeText(parts.join(" · "));
}

/** Slack mrkdwn treats &, < and > as control characters; everything else is literal. */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function link(url: string, label: string): string {
  return `<${url.replace(/[<>|]/g, encodeURIComponent)}|${escapeText(label).replace(/\|/g, "¦")}>`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
