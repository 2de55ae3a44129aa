// The demo's reader switcher: signs in as a demo reader the way a publisher's login would,
// by getting a signed SSO token and handing it to Rejoinder.login().
const KEY = "rejoinder.demo.reader";
const select = document.getElementById("demo-reader");
const status = document.getElementById("demo-status");
const desk = document.getElementById("demo-desk");

// The moderator reader gets a link to the desk, handing over the same session.
function showDesk(rejoinder, reader) {
  const session = rejoinder.session();
  desk.hidden = !(reader === "moderator" && session);
  if (!desk.hidden) desk.href = "/admin#session=" + encodeURIComponent(session.token);
}

function ready() {
  if (window.Rejoinder && !Array.isArray(window.Rejoinder)) return Promise.resolve(window.Rejoinder);
  return new Promise((resolve) => addEventListener("load", () => resolve(window.Rejoinder)));
}

let switching = false;

async function switchTo(reader) {
  const rejoinder = await ready();
  switching = true;
  select.disabled = true;
  status.textContent = "Switching…";
  try {
    if (!reader) {
      await rejoinder.logout();
    } else {
      const response = await fetch("/api/v1/demo/sign-in", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ reader }),
      });
      if (!response.ok) throw new Error("demo sign-in failed");
      await rejoinder.login((await response.json()).token);
    }
    localStorage.setItem(KEY, reader);
    showDesk(rejoinder, reader);
    status.textContent = reader ? "Signed in: " + select.selectedOptions[0].textContent : "Signed out";
  } catch (_) {
    status.textContent = "Could not switch reader.";
  } finally {
    select.disabled = false;
    switching = false;
  }
}

// Signing in or out through the comment box itself: the bar follows instead of going stale.
addEventListener("rejoinder:session", async () => {
  if (switching) return;
  const rejoinder = await ready();
  select.value = "";
  localStorage.setItem(KEY, "");
  showDesk(rejoinder, "");
  status.textContent = rejoinder.session() ? "Signed in through the comment box" : "Signed out";
});

ready().then((rejoinder) => {
  const saved = localStorage.getItem(KEY) || "";
  select.value = rejoinder.session() ? saved : "";
  showDesk(rejoinder, select.value);
});
select.addEventListener("change", () => switchTo(select.value));
