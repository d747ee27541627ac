/** Fields for the crew's required inputs other than the one the message fills. */
export interface InputsFormProps {
  names: string[];
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
}

export function InputsForm({ names, values, onChange }: InputsFormProps) {
  return (
    <div className="inputs-form">
      {names.map((name) => (
        <label key={name} className="input-field">
          <span>{name}</span>
          <input
            value={values[name] ?? ""}
            onChange={(e) => onChange({ ...values, [name]: e.target.value })}
            placeholder={name}
            name={name}
          />
        </label>
      ))}
    </div>
  );
}
