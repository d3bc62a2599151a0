// Device ids: the client id is <username>/<device-id>. Each browser tab needs its own device id
// (two connections with one client id would keep kicking each other off), and a tab should keep
// its id across reloads. Ids live in localStorage; a tab claims one with a Web Lock held for its
// lifetime, so another open tab never picks the same id. The tab's id is also kept in
// sessionStorage so a reload prefers it.
const LIST_KEY = "mqchat.devices";
const TAB_KEY = "mqchat.device";
const MAX_IDS = 8;

function newId(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return "web-" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function tryLock(id: string): Promise<boolean> {
  return new Promise((resolve) => {
    navigator.locks
      .request(`mqchat-device-${id}`, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(false);
          return undefined;
        }
        resolve(true);
        return new Promise<void>(() => {}); // held until the tab goes away
      })
      .catch(() => resolve(false));
  });
}

let claimed: string | null = null;

export async function claimDevice(): Promise<string> {
  if (claimed) return claimed;
  let list: string[] = [];
  try {
    list = JSON.parse(localStorage.getItem(LIST_KEY) ?? "[]").filter((x: unknown) => typeof x === "string");
  } catch {
    list = [];
  }
  const preferred = sessionStorage.getItem(TAB_KEY);
  let id: string | null = null;
  if (!("locks" in navigator) || !navigator.locks) {
    id = preferred ?? newId();
  } else {
    const candidates = preferred ? [preferred, ...list.filter((d) => d !== preferred)] : list;
    for (const d of candidates) {
      if (await tryLock(d)) {
        id = d;
        break;
      }
    }
    if (!id) {
      id = newId();
      await tryLock(id);
    }
  }
  list = [id, ...list.filter((d) => d !== id)].slice(0, MAX_IDS);
  localStorage.setItem(LIST_KEY, JSON.stringify(list));
  sessionStorage.setItem(TAB_KEY, id);
  claimed = id;
  return id;
}
