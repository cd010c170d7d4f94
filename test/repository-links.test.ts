/**
 * The repository explains itself from a fresh clone with nothing beside it:
 *
 * - every relative link in every Markdown file (README, docs, package READMEs) names a file or
 *   directory inside the repository, and a `#fragment` into a Markdown file names one of its
 *   headings;
 * - nothing shipped or read by users (sources and their comments, READMEs, docs, package
 *   manifests, examples, benchmarks) points at the team's notes outside the repository: no
 *   `../shared` path, no team file by name, and no `§` section cited except of a public standard
 *   (`RFC 2126 §6.3`, `X.224 §13.3`).
 */

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from './support/repository';

/** Files a clone has (tracked, plus new files not ignored), relative to the root, with `/`. */
function repositoryFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '' && fs.existsSync(path.join(REPO_ROOT, file)));
}

const files = repositoryFiles();

/**
 * Markdown that is the team's reference material copied in as test data (the constants tests
 * check values against it), not documentation: its links are the originals'.
 */
const isTestFixture = (file: string): boolean => /(^|\/)test\/fixtures\//.test(file);

const markdownFiles = files.filter((file) => file.endsWith('.md') && !isTestFixture(file));

/** Files that reach users: published sources, READMEs, docs, manifests, examples, benchmarks. */
const userFacingFiles = files.filter(
  (file) =>
    !isTestFixture(file) &&
    (/^packages\/[^/]+\/src\//.test(file) ||
      /^(examples|bench)\/src\//.test(file) ||
      /^docs\//.test(file) ||
      file.endsWith('.md') ||
      /(^|\/)package\.json$/.test(file)),
);

/** Markdown without its fenced code blocks. */
function withoutFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Markdown without fenced code blocks and inline code, where link syntax is only text. */
function proseOf(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** The link targets of a Markdown text: inline `[text](target)`, images, and `[ref]: target`. */
function linkTargets(markdown: string): string[] {
  const prose = proseOf(markdown);
  const targets: string[] = [];
  for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1]);
  for (const match of prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) targets.push(match[1]);
  return targets;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = headingAnchor(match[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

describe('links in the Markdown files', () => {
  it('finds the Markdown files a reader starts from', () => {
    expect(markdownFiles).toEqual(
      expect.arrayContaining([
        'README.md',
        'packages/spi/README.md',
        'packages/providers-tcp/README.md',
        'packages/providers-osi/README.md',
      ]),
    );
  });

  it('resolves every relative link inside the repository', () => {
    const broken: string[] = [];
    for (const file of markdownFiles) {
      const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
      for (const target of linkTargets(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [pathPart, fragment] = target.split('#', 2) as [string, string | undefined];
        const resolved =
          pathPart === ''
            ? path.join(REPO_ROOT, file)
            : path.resolve(REPO_ROOT, path.dirname(file), decodeURI(pathPart));
        const relative = path.relative(REPO_ROOT, resolved);
        if (relative.startsWith('..') || path.isAbsolute(relative)) {
          broken.push(`${file}: ${target} leaves the repository`);
        } else if (!fs.existsSync(resolved)) {
          broken.push(`${file}: ${target} does not exist`);
        } else if (fragment && resolved.endsWith('.md')) {
          if (!anchorsOf(fs.readFileSync(resolved, 'utf8')).has(fragment.toLowerCase())) {
            broken.push(`${file}: ${target} names no heading of ${relative}`);
          }
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('checks what it claims to: a broken link and a link out of the repository are caught', () => {
    expect(linkTargets('See [a](docs/x.md#intro), [b](../shared/DESIGN.md) and `[c](no.md)`.')).toEqual([
      'docs/x.md#intro',
      '../shared/DESIGN.md',
    ]);
    expect(linkTargets('```\n[d](no.md)\n```\n[e]: ./LICENSE')).toEqual(['./LICENSE']);
    expect(anchorsOf('# Using it\n## The `ws2spi` CLI\n## Using it')).toEqual(
      new Set(['using-it', 'the-ws2spi-cli', 'using-it-1']),
    );
  });
});

/** The team's own files, which a clone does not have. */
const TEAM_FILE =
  /\.\.\/shared|\bshared\/(reference|tools|DESIGN)|\b(DESIGN|GUIDE|TEAM|winsock-spi|dispatch-and-semantics|osi-transport|mswsock-iocp|typescript-anchors)\.md\b|cotp-oracle\.sh/;

/**
 * A `§` that cites a public standard: `RFC 2126 §6.3`, `X.224 §13.3`, `ISO/IEC 8073 §6`, with
 * more sections after the first (`§4.2.1, §6.3`, `§3.2–§3.4`).
 */
const PUBLIC_CITATION =
  /(?:RFC ?\d+|X\.\d+|ISO(?:\/IEC)? ?\d+|ITU-T [A-Z]\.\d+)[ ,]*(?:section )?§ ?[\d.]+\w*(?:(?:\s*(?:,|–|-|and|or)\s*)§ ?[\d.]+\w*)*/g;

/** The lines of `text` that cite the team's files or a `§` that is not a public standard's. */
function teamCitations(text: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = [];
  text.split('\n').forEach((line, i) => {
    if (TEAM_FILE.test(line) || line.replace(PUBLIC_CITATION, '').includes('§')) {
      found.push({ line: i + 1, text: line.trim() });
    }
  });
  return found;
}

describe('nothing user-facing cites the team’s notes', () => {
  it('covers the sources, READMEs and manifests of every package', () => {
    for (const prefix of [
      'packages/spi/src/',
      'packages/providers-tcp/src/',
      'packages/providers-osi/src/',
    ]) {
      expect(userFacingFiles.some((file) => file.startsWith(prefix))).toBe(true);
    }
    expect(userFacingFiles).toEqual(
      expect.arrayContaining(['README.md', 'package.json', 'packages/spi/package.json']),
    );
  });

  it('has no ../shared path, no team file and no § of one', () => {
    const offenders: string[] = [];
    for (const file of userFacingFiles) {
      for (const { line, text } of teamCitations(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'))) {
        offenders.push(`${file}:${line}: ${text}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('tells a public citation from a team one', () => {
    expect(teamCitations('negotiation (RFC 2126 §4.2.1, §6.3, §6.4 on X.224 §13.3)')).toEqual([]);
    expect(teamCitations('see RFC 1006 §3–§5 and X.224 §13.3')).toEqual([]);
    expect(teamCitations('as reference §3.4 says').map((c) => c.line)).toEqual([1]);
    expect(teamCitations('(winsock-spi.md §4.3)\n(§4.7)\nok').map((c) => c.line)).toEqual([1, 2]);
    expect(teamCitations('see ../shared/DESIGN.md').map((c) => c.line)).toEqual([1]);
  });
});
