/* Rejoinder comment counts for article lists. No build step, no dependencies.
 *
 *   <span data-rejoinder-count="story-id">0</span>
 *   <script src="https://comments.example.com/count.js" data-site="news" async></script>
 *
 * Fills every [data-rejoinder-count] element with the story's published comment count,
 * and, when it carries data-rejoinder-one / data-rejoinder-other words, the element
 * [data-rejoinder-label="story-id"] with the right one for that number ("1 comment"),
 * asking for up to 100 stories per request. data-rejoinder-site on an element overrides
 * the script's data-site; data-api overrides where the API lives (default: the script's origin).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var api = (script && script.getAttribute("data-api")) || (script ? new URL(script.src).origin : "");
  var defaultSite = script && script.getAttribute("data-site");

  function fill() {
    var groups = {};
    var nodes = document.querySelectorAll("[data-rejoinder-count]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var site = node.getAttribute("data-rejoinder-site") || defaultSite;
      var story = node.getAttribute("data-rejoinder-count");
      if (!site || !story) continue;
      (groups[site] = groups[site] || {})[story] = (groups[site][story] || []).concat(node);
    }
    Object.keys(groups).forEach(function (site) {
      var stories = Object.keys(groups[site]);
      for (var start = 0; start < stories.length; start += 100) {
        request(site, stories.slice(start, start + 100), groups[site]);
      }
    });
  }

  function request(site, stories, nodesByStory) {
    var query = stories.map(function (s) { return "story=" + encodeURIComponent(s); }).join("&");
    fetch(api + "/api/v1/sites/" + encodeURIComponent(site) + "/counts?" + query)
      .then(function (response) { return response.ok ? response.json() : { counts: {} }; })
      .then(function (body) {
        stories.forEach(function (story) {
          var count = body.counts[story];
          if (typeof count !== "number") return;
          nodesByStory[story].forEach(function (node) {
            node.textContent = String(count);
            node.setAttribute("data-rejoinder-counted", "");
            label(node, story, count);
          });
        });
      })
      .catch(function () { /* counts are decoration: a failure leaves the page as it was */ });
  }

  function label(node, story, count) {
    var other = node.getAttribute("data-rejoinder-other");
    if (!other) return;
    var one = node.getAttribute("data-rejoinder-one") || other;
    var lang = (node.closest("[lang]") || document.documentElement).lang || undefined;
    var word = new Intl.PluralRules(lang).select(count) === "one" ? one : other;
    var labels = document.querySelectorAll("[data-rejoinder-label]");
    for (var i = 0; i < labels.length; i++) {
      if (labels[i].getAttribute("data-rejoinder-label") === story) labels[i].textContent = word;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fill);
  } else {
    fill();
  }
})();
