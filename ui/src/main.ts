// Entry point: the stylesheet, then the app shell in #app.
import "./styles.css";
import { startApp } from "./app";

const root = document.getElementById("app");
if (root !== null) void startApp(root);
