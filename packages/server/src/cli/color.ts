import { styleText } from 'node:util';

/**
 * Whether output is coloured: FORCE_COLOR decides when it is set (`0` or `false` turn colour off, any other value
 * on, as Node and force-color.org read it), else NO_COLOR (any non-empty value) turns it off, else colour goes to a
 * terminal and not to a pipe or file. A command's --color/--no-color overrides all of these.
 */
export function wantsColor(env: NodeJS.ProcessEnv, isTerminal: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return isTerminal;
}

type Format = Parameters<typeof styleText>[0];

/** Paints text for the terminal, or leaves it as it is when output is not coloured. */
export type Paint = (format: Format, text: string) => string;

export function painter(color: boolean): Paint {
  // validateStream: false, since the caller has already decided (newer Nodes would check process.stdout again,
  // which is wrong for --color into a pipe).
  return color ? (format, text) => styleText(format, text, { validateStream: false }) : (_format, text) => text;
}
