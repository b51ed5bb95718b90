/**
 * Jupyter messaging protocol 5.3: the message shapes the kernel reads and writes.
 * https://jupyter-client.readthedocs.io/en/latest/messaging.html
 */
export const PROTOCOL_VERSION = "5.3";

export type Channel = "shell" | "control" | "iopub" | "stdin";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

// biome-ignore lint/suspicious/noExplicitAny: message contents are free-form JSON by protocol
export type Content = Record<string, any>;

export interface Message {
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata: Content;
  content: Content;
  buffers?: Uint8Array[];
}

/** A request as it arrives: the message plus the channel it came on. */
export interface Request extends Message {
  channel: "shell" | "control";
}

/** What the handler needs from a transport: reply to a request, publish on iopub. */
export interface Outbound {
  reply(req: Request, msgType: string, content: Content, metadata?: Content): void;
  publish(msgType: string, content: Content, parent?: Header, metadata?: Content): void;
}

export type MimeBundle = Record<string, unknown>;

/** An execution error in the shape of the protocol's error content. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}
