import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatMessage } from '../backend.js';
import { ChatTemplateError, messagesAsPlainText, renderChatTemplate } from './chat-template.js';

/** Shaped like Meta's Llama 3.1 template: bos_token, date_string, a system block, alternation enforced. */
const LLAMA_3_STYLE = `{{- bos_token }}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] | trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if tools is not none %}
    {{- "Environment: ipython\\n" }}
{%- endif %}
{{- "Today Date: " + date_string + "\\n\\n" }}
{{- system_message }}
{{- "<|eot_id|>" }}
{%- for message in messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}`;

/** Shaped like Qwen2.5's ChatML template: a default system message when none is given. */
const CHATML_STYLE = `{%- if messages[0].role != 'system' %}
{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}
{%- endif %}
{%- for message in messages %}
{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
{%- endfor %}
{%- if add_generation_prompt %}
{{- '<|im_start|>assistant\\n' }}
{%- endif %}`;

const LLAMA_TOKENS = { bos_token: '<|begin_of_text|>', eos_token: '<|eot_id|>' };

const conversation: ChatMessage[] = [
  { role: 'system', content: 'Answer briefly. ' },
  { role: 'user', content: 'What is 2+2?' },
  { role: 'assistant', content: '4' },
  { role: 'user', content: 'And 3+3?' },
];

function renderError(run: () => unknown): ChatTemplateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ChatTemplateError);
    return error as ChatTemplateError;
  }
  throw new Error('expected a ChatTemplateError, nothing was thrown');
}

describe('renderChatTemplate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2025, 2, 5, 12, 0, 0));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renders a Llama 3 style template with system, user and assistant turns and the generation prompt', () => {
    const text = renderChatTemplate(LLAMA_3_STYLE, conversation, { addGenerationPrompt: true, tokens: LLAMA_TOKENS });
    expect(text).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nToday Date: 05 Mar 2025\n\nAnswer briefly.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it('leaves the generation prompt out when not asked for', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'Hi' }];
    const text = renderChatTemplate(LLAMA_3_STYLE, messages, { addGenerationPrompt: false, tokens: LLAMA_TOKENS });
    expect(text.endsWith('<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>')).toBe(true);
    expect(text).not.toContain('Environment: ipython'); // tools is none, as transformers passes it
  });

  it('renders a ChatML (Qwen style) template, adding its default system message', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'Hello' }];
    expect(renderChatTemplate(CHATML_STYLE, messages, { addGenerationPrompt: true, tokens: {} })).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it("turns the template's raise_exception into a ChatTemplateError carrying its message", () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ];
    const error = renderError(() =>
      renderChatTemplate(LLAMA_3_STYLE, messages, { addGenerationPrompt: true, tokens: LLAMA_TOKENS }),
    );
    expect(error.message).toBe(
      "The model's chat template failed: Conversation roles must alternate user/assistant/user/assistant/...",
    );
  });

  it('reports a template that cannot be parsed', () => {
    const error = renderError(() =>
      renderChatTemplate('{% for m in messages %}', [], { addGenerationPrompt: false, tokens: {} }),
    );
    expect(error.message).toMatch(/^The model's chat template cannot be parsed: /);
  });

  it('reports other failures while rendering', () => {
    const error = renderError(() =>
      renderChatTemplate('{{ no_such_function() }}', [], { addGenerationPrompt: false, tokens: {} }),
    );
    expect(error.message).toMatch(/^The model's chat template failed: .*not a function/);
  });

  it("offers the globals chat templates use: strftime_now, date_string, the tokenizer's special tokens", () => {
    const text = renderChatTemplate(
      "{{ strftime_now('%Y-%m-%d') }}|{{ date_string }}|{{ eos_token }}|{{ pad_token }}",
      [],
      {
        addGenerationPrompt: false,
        tokens: { eos_token: '</s>' },
      },
    );
    expect(text).toBe('2025-03-05|05 Mar 2025|</s>|');
  });

  it('does not change the messages it is given', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'Hi' }];
    renderChatTemplate('{% set messages = [] %}{{ messages | length }}', messages, {
      addGenerationPrompt: false,
      tokens: {},
    });
    expect(messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });
});

describe('messagesAsPlainText', () => {
  it('joins the contents with blank lines, system messages first', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Once upon a time' },
      { role: 'system', content: 'Write a story.' },
      { role: 'assistant', content: 'there was a cat.' },
    ];
    expect(messagesAsPlainText(messages)).toBe('Write a story.\n\nOnce upon a time\n\nthere was a cat.');
  });

  it('skips empty contents rather than leaving double blank lines', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: '' },
    ];
    expect(messagesAsPlainText(messages)).toBe('Hi');
    expect(messagesAsPlainText([])).toBe('');
  });
});
