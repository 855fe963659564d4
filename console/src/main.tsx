import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import "./carbon.scss";
import "./styles.css";
import "./styles/tables.css";
import "./styles/forms.css";
import "./styles/shell.css";

createRoot(document.getElementById("root")!).render(<App />);
