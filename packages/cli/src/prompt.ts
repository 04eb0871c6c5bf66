import { CliError, exitCodes } from './cli-error.js';

/**
 * Reads answers from the terminal, or line by line from a pipe (`printf 'me@x\npw\n' | rekey login`), so
 * that scripts and tests can answer prompts too. Prompts go to stderr to keep stdout for results.
 */
export type Prompter = {
  ask(question: string): Promise<string>;
  /** Like ask, without echoing what is typed. */
  askHidden(question: string): Promise<string>;
  readonly isInteractive: boolean;
};

type Input = NodeJS.ReadStream;

function pipedLines(input: Input): () => Promise<string | undefined> {
  const lines: string[] = [];
  let buffered = '';
  let isEnded = false;
  let wake: (() => void) | undefined;
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts.map((line) => line.replace(/\r$/, '')));
    wake?.();
  });
  input.on('end', () => {
    isEnded = true;
    if (buffered) lines.push(buffered);
    buffered = '';
    wake?.();
  });
  return async () => {
    while (lines.length === 0 && !isEnded) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    const line = lines.shift();
    if (lines.length === 0 && isEnded) input.pause();
    return line;
  };
}

/** Raw mode gives us each key press, so nothing is echoed; Backspace, Enter and Ctrl+C are handled here. */
function readHidden(input: Input, output: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    const done = (error?: CliError) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new CliError('Cancelled', { exitCode: exitCodes.interrupted }));
        if (char === '\u0004' && value === '') return done(new CliError('Cancelled', { exitCode: exitCodes.interrupted }));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else if (char >= ' ') value += char;
      }
    };
    input.on('data', onData);
  });
}

function readVisible(input: Input): Promise<string> {
  return new Promise((resolve) => {
    input.setEncoding('utf8');
    input.resume();
    let value = '';
    const onData = (chunk: string) => {
      value += chunk;
      const newline = value.indexOf('\n');
      if (newline === -1) return;
      input.off('data', onData);
      input.pause();
      resolve(value.slice(0, newline).replace(/\r$/, ''));
    };
    input.on('data', onData);
  });
}

export function createPrompter(input: Input = process.stdin, output: NodeJS.WritableStream = process.stderr): Prompter {
  const isInteractive = Boolean(input.isTTY);
  let nextLine: (() => Promise<string | undefined>) | undefined;
  async function fromPipe(question: string): Promise<string> {
    nextLine ??= pipedLines(input);
    const line = await nextLine();
    if (line === undefined) throw new CliError(`No answer for "${question.trim()}": standard input ended`);
    return line;
  }
  return {
    isInteractive,
    async ask(question) {
      if (!isInteractive) return fromPipe(question);
      output.write(question);
      return readVisible(input);
    },
    async askHidden(question) {
      if (!isInteractive) return fromPipe(question);
      output.write(question);
      return readHidden(input, output);
    },
  };
}

/** All of standard input, byte for byte (for `rekey secrets set NAME -`). */
export async function readAllStdin(input: Input = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
