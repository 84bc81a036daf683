const ROLES = ['system', 'user', 'assistant'] as const;

export interface MessageTemplate {
  role: (typeof ROLES)[number];
  template: string;
}

export interface MessageTemplatesProps {
  messages: readonly MessageTemplate[];
  disabled: boolean;
  /** `part` names the message edited, so typing in one message undoes as one step. */
  onChange(messages: MessageTemplate[], part?: string): void;
}

/** A chat prompt: one template per message, each with its role. */
export function MessageTemplates({ messages, disabled, onChange }: MessageTemplatesProps) {
  const update = (index: number, change: Partial<MessageTemplate>, part: string) =>
    onChange(
      messages.map((message, at) => (at === index ? { ...message, ...change } : message)),
      `[${index}].${part}`,
    );
  return (
    <div className="message-templates" data-testid="config-messages">
      {messages.map((message, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a message's position is its identity while it is typed in.
        <div className="message-template" key={index}>
          <div className="message-head">
            <select
              aria-label={`role of message ${index + 1}`}
              data-testid={`config-messages-${index}-role`}
              disabled={disabled}
              value={message.role}
              onChange={(event) => update(index, { role: event.target.value as MessageTemplate['role'] }, 'role')}
            >
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="icon"
              aria-label={`remove message ${index + 1}`}
              data-testid={`config-messages-${index}-remove`}
              disabled={disabled || messages.length === 1}
              onClick={() => onChange(messages.filter((_, at) => at !== index))}
            >
              ✕
            </button>
          </div>
          <textarea
            aria-label={`template of message ${index + 1}`}
            data-testid={`config-messages-${index}-template`}
            className="mono"
            rows={4}
            spellCheck={false}
            disabled={disabled}
            value={message.template}
            onChange={(event) => update(index, { template: event.target.value }, 'template')}
          />
        </div>
      ))}
      {!disabled && (
        <button
          type="button"
          data-testid="config-messages-add"
          onClick={() => onChange([...messages, { role: 'user', template: '' }])}
        >
          Add message
        </button>
      )}
    </div>
  );
}
