/**
 * Labels on standard input (`join -i -`, `-i /dev/stdin`, a shell's `<(…)`). A join reads
 * its labels file several times (the header while planning, the rows, then the rows again
 * for the output), and a pipe can be read only once. So input that is not a regular file
 * is first copied, as it streams in, to a temporary file (mode 0600) that every later read
 * uses; it is deleted when the process exits. A temporary file rather than memory: a labels
 * file can be far larger than what a join otherwise keeps of it (a time and a key number
 * per row), and the readers stay the same for every input.
 */
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { usage } from '../errors.js';

/** What names standard input on the command line. */
export const STDIN = '-';
/**
 * Paths of standard input itself. Read through process.stdin, not opened: opening them
 * fails (ENXIO) when stdin is a socket, as a parent process's pipe often is.
 */
const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** The spooled copy of each input, by the name it was given. */
const spooled = new Map<string, Promise<string>>();
/** Their temporary folders, known synchronously so an exit handler can delete them. */
const folders = new Set<string>();

process.once('exit', removeSpooledInputs);

/** How messages name an input: `stdin` for `-`, else the path as given. */
export function inputName(file: string): string {
  return file === STDIN ? 'stdin' : file;
}

/**
 * A path that can be read as often as needed with the input's bytes: the file itself
 * when it is a regular file (or missing: the caller reports that), else a spooled copy,
 * made once however often this is asked.
 */
export async function readablePath(file: string): Promise<string> {
  if (file !== STDIN) {
    const kind = await stat(file).catch(() => undefined);
    if (kind === undefined || kind.isFile() || kind.isDirectory()) return file;
  }
  let copy = spooled.get(file);
  if (!copy) spooled.set(file, (copy = spool(file)));
  return copy;
}

async function spool(file: string): Promise<string> {
  const fromStdin = file === STDIN || STDIN_PATHS.has(file);
  if (fromStdin && process.stdin.isTTY) {
    throw usage(`${inputName(file)}: standard input is a terminal; pipe the labels in (… | spellbook join -i - …) or redirect a file (< labels.csv)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'spellbook-input-'));
  folders.add(dir);
  const path = join(dir, 'labels.csv');
  await pipeline(fromStdin ? process.stdin : createReadStream(file), createWriteStream(path, { mode: 0o600 }));
  return path;
}

/** Deletes the spooled copies when the process exits, however it ends. */
function removeSpooledInputs(): void {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  folders.clear();
  spooled.clear();
}
