// Entry point: the design tokens and the shared styles, then the app in #app.
import "./tokens.css";
import "./base.css";
import { startApp } from "./app";

const root = document.getElementById("app");
if (root !== null) void startApp(root);
