/* Rejoinder comment counts for article lists. No build step, no dependencies.
 *
 *   <span data-rejoinder-count="story-id">0</span>
 *   <script src="https://comments.example.com/count.js" data-site="news" async></script>
 *
 * Fills every [data-rejoinder-count] element with the story's published comment count,
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
          });
        });
      })
      .catch(function () { /* counts are decoration: a failure leaves the page as it was */ });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fill);
  } else {
    fill();
  }
})();
