// mqchat web client: boots the app (ui/app.ts). The layers: api/ (the connection and the
// decoders of what the server sends), state/ (the chat state and its rules), ui/ (the panels).
import { App } from "./ui/app";

void new App().boot();
