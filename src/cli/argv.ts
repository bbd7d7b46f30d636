/**
 * `spellbook --db URL join …`, `spellbook -m shop.yml get meta all`: people write global
 * flags before the command. oclif reads the first word as the command, so the
 * command-not-found hook asks this function to move leading global flags behind the
 * command. Knowing which global flags take a value is what tells `-m file` from a command.
 */
export interface GlobalFlag {
  name: string;
  char?: string;
  takesValue: boolean;
}

/** The command and its arguments with the leading global flags moved last, or undefined when the words are not global flags followed by a command. */
export function globalFlagsFirst(
  words: readonly string[],
  flags: readonly GlobalFlag[],
  commandIds: readonly string[],
): { command: string; args: string[] } | undefined {
  const moved: string[] = [];
  let i = 0;
  while (i < words.length && words[i]!.startsWith('-')) {
    const word = words[i]!;
    const inline = word.startsWith('--') && word.includes('=');
    const head = inline ? word.slice(0, word.indexOf('=')) : word;
    const flag = flags.find((f) => head === `--${f.name}` || (f.char !== undefined && head === `-${f.char}`));
    if (!flag) return undefined;
    const width = flag.takesValue && !inline ? 2 : 1;
    if (i + width > words.length) return undefined;
    moved.push(...words.slice(i, i + width));
    i += width;
  }
  // The longest run of words that names a command: `get meta` is two.
  for (let n = words.length - i; n >= 1; n--) {
    const id = words.slice(i, i + n).join(':');
    if (commandIds.includes(id)) return { command: id, args: [...words.slice(i + n), ...moved] };
  }
  return undefined;
}
