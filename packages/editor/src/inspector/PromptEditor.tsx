import type { Flow, FlowNode } from '@groundwork/runtime/schema';
import { useEditor } from '../state/editor-store.js';
import { OverrideActions, useConfigField } from './ConfigForm.js';
import { FieldRow } from './FieldRow.js';
import { type MessageTemplate, MessageTemplates } from './MessageTemplates.js';
import { TemplateVariables } from './TemplateVariables.js';
import { effectiveConfig, withConfigField } from './variants.js';

export interface PromptEditorProps {
  flow: Flow;
  node: FlowNode;
  /** The variant whose template is edited; undefined for the node's own config. */
  variant: string | undefined;
}

const isMessages = (value: unknown): value is MessageTemplate[] => Array.isArray(value);

/**
 * A prompt node's template (text) or message templates (chat), with the variables they read beside them. Takes the
 * place of the plain template and messages fields of the config form.
 */
export function PromptEditor({ flow, node, variant }: PromptEditorProps) {
  const updateNode = useEditor((state) => state.updateNode);
  const template = useConfigField(node, variant, 'template', () => '');
  const messages = useConfigField(node, variant, 'messages', () => [{ role: 'user', template: '' }]);
  const effective = effectiveConfig(node, variant);
  const chat = isMessages(effective.messages) && effective.template === undefined;
  const field = chat ? messages : template;
  const editable = field.overridden;
  const sources = chat
    ? (effective.messages as MessageTemplate[]).map((message) => message.template)
    : [String(effective.template ?? '')];

  // Text ↔ chat keeps the wording: the text becomes one user message; messages are joined into one text.
  const switchTo = (target: 'text' | 'chat') =>
    updateNode(node.id, (current) => {
      const config = effectiveConfig(current, variant);
      const text = isMessages(config.messages) ? config.messages.map((message) => message.template).join('\n\n') : '';
      const next = withConfigField(current, variant, target === 'chat' ? 'template' : 'messages', undefined);
      return target === 'chat'
        ? withConfigField(next, variant, 'messages', [{ role: 'user', template: String(config.template ?? '') }])
        : withConfigField(next, variant, 'template', text);
    });

  return (
    <div className="prompt-editor" data-testid="prompt-editor">
      <div className="segmented">
        <button
          type="button"
          data-testid="prompt-mode-text"
          aria-pressed={!chat}
          disabled={!editable}
          onClick={() => chat && switchTo('text')}
        >
          Text
        </button>
        <button
          type="button"
          data-testid="prompt-mode-chat"
          aria-pressed={chat}
          disabled={!editable}
          onClick={() => !chat && switchTo('chat')}
        >
          Chat messages
        </button>
      </div>
      <div className="prompt-body">
        <FieldRow
          label={chat ? 'Messages' : 'Template'}
          {...(chat ? {} : { htmlFor: `config-${node.id}-template` })}
          help={
            chat ? 'One Jinja template per message.' : 'Jinja: {{ name }} reads an input, {% if %} and {% for %} work.'
          }
          inherited={!editable}
          actions={
            variant !== undefined && (
              <OverrideActions
                field={chat ? 'messages' : 'template'}
                overridden={editable}
                override={field.override}
                inherit={field.inherit}
              />
            )
          }
        >
          {chat ? (
            <MessageTemplates
              messages={effective.messages as MessageTemplate[]}
              disabled={!editable}
              onChange={(next, part) => messages.set(next, part)}
            />
          ) : (
            <textarea
              id={`config-${node.id}-template`}
              data-testid="config-template"
              className="mono"
              rows={8}
              spellCheck={false}
              disabled={!editable}
              value={String(effective.template ?? '')}
              onChange={(event) => template.set(event.target.value)}
            />
          )}
        </FieldRow>
        <TemplateVariables flow={flow} nodeId={node.id} templates={sources} />
      </div>
    </div>
  );
}
