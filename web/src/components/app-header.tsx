/** Top bar: history toggle (narrow screens), brand, crew picker, theme toggle. */
import type { CrewListing } from "../../../src/client/index.js";
import { CrewPicker } from "./crew-picker.js";
import { ThemeToggle } from "./theme-toggle.js";

export interface AppHeaderProps {
  crews: CrewListing[];
  crew?: CrewListing;
  onCrewChange: (name: string) => void;
  onToggleSidebar: () => void;
}

export function AppHeader({ crews, crew, onCrewChange, onToggleSidebar }: AppHeaderProps) {
  return (
    <header className="app-header">
      <button
        type="button"
        className="icon-button sidebar-toggle"
        onClick={onToggleSidebar}
        aria-label="Show run history"
      >
        ☰
      </button>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        crewstream
      </div>
      <div className="header-actions">
        <CrewPicker crews={crews} {...(crew ? { crew } : {})} onChange={onCrewChange} />
        <ThemeToggle />
      </div>
    </header>
  );
}
