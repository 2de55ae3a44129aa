// A Server-Sent Events reader over fetch(): unlike EventSource it sends our Authorization
// header, and Last-Event-ID on every connection. Frames are parsed here (WHATWG HTML,
// "Server-sent events"): id / event / data / retry fields, ":" comment lines, blank line ends.
// The desk keeps an identical copy (desk/static/sse.js; a test compares the two).

/** Feed text in any pieces; `onFrame({id, event, data})` for each complete event. */
export class FrameParser {
  constructor(onFrame, onRetry) {
    this.onFrame = onFrame;
    this.onRetry = onRetry;
    this.rest = "";
    this.reset();
  }

  reset() {
    this.event = "";
    this.data = [];
    this.id = undefined;
  }

  feed(text) {
    const buffer = this.rest + text;
    const cut = buffer.endsWith("\r") ? buffer.length - 1 : buffer.length; // "\r" | "\n" split
    const lines = buffer.slice(0, cut).split(/\r\n|\r|\n/);
    this.rest = lines.pop() + buffer.slice(cut); // an unfinished line waits for the next piece
    for (const line of lines) this.line(line);
  }

  line(line) {
    if (line === "") {
      if (this.data.length || this.event) {
        this.onFrame({ id: this.id, event: this.event || "message", data: this.data.join("\n") });
      }
      return this.reset();
    }
    if (line.startsWith(":")) return; // a comment: the heartbeat
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.id = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.onRetry(Number(value));
  }
}

const MAX_DELAY = 60_000;

/**
 * One live connection that stays up: reconnects with exponential back-off and jitter,
 * resumes with the last id, pauses while the page has been hidden for `hiddenPauseMs`.
 * options: headers() (extra request headers), onEvent(name, data, id), onOpen(), onDown(),
 * onStatus(status) (an HTTP refusal; return true to stop trying), onFail(failures).
 */
export class LiveStream {
  constructor(url, options) {
    this.url = url;
    this.options = options;
    this.lastId = options.lastId || null;
    this.retry = 3000; // until the server's `retry:` hint says otherwise
    this.failures = 0;
    this.stopped = true;
    this.paused = false;
    this.hiddenPauseMs = options.hiddenPauseMs ?? 60_000;
    this.onVisibility = () => this.visibilityChanged();
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    document.addEventListener("visibilitychange", this.onVisibility);
    if (document.hidden) this.visibilityChanged(); // opened in a background tab
    this.connect();
  }

  stop() {
    this.stopped = true;
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.cut();
  }

  cut() {
    clearTimeout(this.timer);
    clearTimeout(this.hiddenTimer);
    this.abort?.abort();
    this.abort = null;
  }

  visibilityChanged() {
    if (document.hidden) {
      clearTimeout(this.hiddenTimer);
      this.hiddenTimer = setTimeout(() => {
        this.paused = true;
        this.cut();
      }, this.hiddenPauseMs);
    } else {
      clearTimeout(this.hiddenTimer);
      if (this.paused) {
        this.paused = false;
        this.failures = 0;
        this.connect();
      }
    }
  }

  async connect() {
    if (this.stopped || this.paused) return;
    const abort = (this.abort = new AbortController());
    const headers = { Accept: "text/event-stream", ...(this.options.headers?.() || {}) };
    if (this.lastId) headers["Last-Event-ID"] = this.lastId;
    let received = false;
    try {
      const response = await fetch(this.url, { headers, signal: abort.signal, cache: "no-store" });
      if (!response.ok) {
        if (this.options.onStatus?.(response.status)) return this.stop();
        throw new Error(`HTTP ${response.status}`);
      }
      this.options.onOpen?.();
      const parser = new FrameParser(
        (frame) => {
          received = true;
          if (frame.id !== undefined) this.lastId = frame.id || null;
          let data = null;
          try {
            data = frame.data ? JSON.parse(frame.data) : null;
          } catch (_) {
            return;
          }
          this.options.onEvent(frame.event, data, frame.id);
        },
        (ms) => (this.retry = ms),
      );
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
    } catch (_) {
      /* a network error, a refusal or our own abort: see below */
    }
    if (abort !== this.abort || this.stopped || this.paused) return; // cut on purpose
    this.options.onDown?.();
    // A stream that carried events ended cleanly (shutdown, a deploy): come back soon.
    this.failures = received ? 0 : this.failures + 1;
    if (this.failures >= 3) this.options.onFail?.(this.failures);
    const delay = Math.min(MAX_DELAY, this.retry * 2 ** Math.max(0, this.failures - 1));
    this.timer = setTimeout(() => this.connect(), delay * (0.5 + Math.random() / 2));
  }
}
