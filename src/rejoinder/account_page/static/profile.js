// The public profile page: the site's colour (set through the CSSOM, which the CSP allows).
const accent = document.body.dataset.accent;
if (accent) document.documentElement.style.setProperty("--accent", accent);
