//! Shared helpers for the unit tests: real temporary folders and executables.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The extension's folder (editors/vscode), from the compiled test's location out/test/unit. */
export const EXTENSION_DIR = path.resolve(__dirname, '..', '..', '..');
/** The repository root. */
export const REPO_ROOT = path.resolve(EXTENSION_DIR, '..', '..');

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crescent-vscode-test-'));
  created.push(dir);
  return dir;
}

/** Writes a file, creating its folders; `mode` 0o755 makes it executable. */
export function writeFile(file: string, text: string, mode = 0o644): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  return file;
}

export function executable(file: string): string {
  return writeFile(file, '#!/bin/sh\nexit 0\n', 0o755);
}
