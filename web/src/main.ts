// mqchat web client: boots the app (ui/app.ts). The layers: api/ (the connection and the
// decoders of what the server sends), state/ (the chat state and its rules), ui/ (the panels),
// i18n/ (the catalogues of UI strings and t()).
import { initLang } from "./i18n/i18n";
import { App } from "./ui/app";

initLang(); // the UI's language, before anything is drawn
void new App().boot();
