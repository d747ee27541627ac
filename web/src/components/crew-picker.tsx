/** Chooses the crew new messages run. */
import type { CrewListing } from "../../../src/client/index.js";

export interface CrewPickerProps {
  crews: CrewListing[];
  crew?: CrewListing;
  onChange: (name: string) => void;
}

export function CrewPicker({ crews, crew, onChange }: CrewPickerProps) {
  if (crews.length === 0) return null;
  return (
    <label className="crew-picker">
      <span className="visually-hidden">Crew</span>
      <select value={crew?.name ?? ""} onChange={(e) => onChange(e.target.value)} aria-label="Crew">
        {crews.map((c) => (
          <option
            key={c.name}
            value={c.name}
            title={`${c.process}, ${c.agents.length} agents${c.default ? ", the default crew" : ""}`}
          >
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}
