// middy middleware: one JSON line per invocation start, end and error, so CloudWatch Logs Insights can query
// runs by runId and step (Lambda's JSON log format keeps these fields as they are).
import type middy from '@middy/core';

export interface LogLine {
  level: 'info' | 'error';
  fn: string;
  msg: string;
  [field: string]: unknown;
}

export type LogSink = (line: LogLine) => void;

export const consoleSink: LogSink = (line) => (line.level === 'error' ? console.error : console.log)(JSON.stringify(line));

/** Fields worth logging from an event: its runId/pointId/state if present, never the whole payload. */
function eventSummary(event: unknown): Record<string, unknown> {
  if (!event || typeof event !== 'object') return {};
  const e = event as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ['runId', 'pointId', 'state', 'step']) if (typeof e[k] === 'string') out[k] = e[k];
  if (Array.isArray(e.Records)) out.records = e.Records.length;
  return out;
}

export function structuredLogs(fn: string, sink: LogSink = consoleSink): middy.MiddlewareObj<unknown, unknown> {
  let started = 0;
  return {
    before: (request) => {
      started = Date.now();
      sink({ level: 'info', fn, msg: 'start', requestId: (request.context as { awsRequestId?: string } | undefined)?.awsRequestId, ...eventSummary(request.event) });
    },
    after: (request) => {
      sink({ level: 'info', fn, msg: 'done', ms: Date.now() - started, ...eventSummary(request.event) });
    },
    onError: (request) => {
      const err = request.error as Error | undefined;
      sink({ level: 'error', fn, msg: 'failed', ms: Date.now() - started, error: err?.name, message: err?.message, ...eventSummary(request.event) });
    },
  };
}
