/** Cycles the colour theme: system, light, dark. */
import { useTheme } from "../hooks/use-theme.js";

const LABELS = {
  system: ["◐", "Auto"],
  light: ["☀", "Light"],
  dark: ["☾", "Dark"],
} as const;

export function ThemeToggle() {
  const { theme, cycle } = useTheme();
  return (
    <button
      type="button"
      className="chip-button"
      onClick={cycle}
      aria-label={`Theme: ${theme}. Change theme`}
      title="Change theme"
    >
      {LABELS[theme][0]} <span className="theme-word">{LABELS[theme][1]}</span>
    </button>
  );
}
