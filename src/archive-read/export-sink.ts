/**
 * Where an export goes, as the export service sees it: HTTP is the controller's business
 * (http-export-sink.ts). Nothing is sent before `begin`, so that every error found before the first
 * row is still an ordinary error answer.
 */
export interface ExportSink {
  /** Sends the headers of a file named `fileName` of `contentType`. */
  begin(fileName: string, contentType: string, maxRows: number): void;
  /** Writes text; resolves once it may write more (the client reads at its own pace, within a bound). */
  write(text: string): Promise<void>;
  /** The file is complete. */
  end(): void;
  /** Something failed after `begin`: the client must see an incomplete transfer, not a short file. */
  abort(): void;
  /** The client went away: no point reading more rows. */
  readonly gone: boolean;
}
