// The desk, live: queue counts and changed cards from GET /api/v1/moderation/live
// (docs/live.md). Polling the counts every 20 s stays only as the fallback when the stream
// keeps failing; it stops again as soon as the stream is back.
import { LiveStream } from "./sse.js";

const FITS = {
  pending: (c) => c.status === "pending",
  reported: (c) => c.status === "published" && c.reports > 0,
  unmoderated: (c) => c.status === "published" && !c.reviewed,
  approved: (c) => c.status === "published",
  rejected: (c) => c.status === "rejected",
};

/** `desk`: token(), counts(site) (the polling fallback), onCounts(counts), onCard(card). */
export function followQueues(desk) {
  const perSite = new Map();
  let poll = null;
  const stopPolling = () => { clearInterval(poll); poll = null; };
  const stream = new LiveStream("/api/v1/moderation/live", {
    headers: () => (desk.token() ? { Authorization: "Bearer " + desk.token() } : {}),
    onOpen: () => {
      stopPolling();
      document.documentElement.dataset.live = "open";
    },
    onDown: () => { document.documentElement.dataset.live = "reconnecting"; },
    onStatus: (status) => status === 401 || status === 403,
    onFail: () => {
      if (poll) return;
      poll = setInterval(async () => {
        if (document.hidden) return;
        try {
          desk.onCounts(await desk.counts());
        } catch {
          /* the next tick tries again */
        }
      }, 20000);
    },
    onEvent: (name, data) => {
      if (name === "queue.counts") {
        perSite.set(data.site_id, data.counts);
        desk.onCounts(null);
      } else if (name === "queue.item") {
        desk.onCard(data.card);
      }
    },
  });
  stream.start();
  return {
    /** The counts of one site, or of every site the moderator has ("" ), as the stream said. */
    counts(site) {
      if (site) return perSite.get(site) || null;
      if (!perSite.size) return null;
      const total = {};
      for (const counts of perSite.values()) {
        for (const [queue, n] of Object.entries(counts)) total[queue] = (total[queue] || 0) + n;
      }
      return total;
    },
    fits: (queue, card) => (FITS[queue] || (() => false))(card),
  };
}
