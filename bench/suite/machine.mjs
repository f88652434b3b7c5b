// Machine facts for the results page: CPU, cores, RAM, kernel, compilers, node, lws, peers.
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function firstLine(s) {
  return s === undefined ? 'n/a' : s.split('\n')[0];
}

export const PEER_PACKAGES = {
  'polkadot-js': '@polkadot/api',
  dedot: 'dedot',
  'polkadot-api': 'polkadot-api',
};

export function peerVersion(peersDir, pkg) {
  const f = path.join(peersDir, 'node_modules', pkg, 'package.json');
  try {
    return JSON.parse(readFileSync(f, 'utf8')).version;
  } catch {
    return undefined;
  }
}

function cmakeCache(buildDir, key) {
  try {
    const m = readFileSync(path.join(buildDir, 'CMakeCache.txt'), 'utf8').match(
      new RegExp(`^${key}:[A-Z]+=(.*)$`, 'm'));
    return m ? m[1] : undefined;
  } catch {
    return undefined;
  }
}

export function machineFacts({ buildDir, peersDir, peers, sourceDir }) {
  const cpus = os.cpus();
  let model = cpus[0]?.model;
  if (!model && existsSync('/proc/cpuinfo')) {
    const m = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m);
    model = m?.[1];
  }
  const compiler = cmakeCache(buildDir, 'CMAKE_C_COMPILER');
  const facts = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: model ?? 'n/a',
    cores: cpus.length,
    ram_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    gcc: firstLine(sh('gcc', ['--version'])),
    clang: firstLine(sh('clang', ['--version'])),
    build: `${cmakeCache(buildDir, 'CMAKE_BUILD_TYPE') ?? '?'}, ${compiler ? path.basename(compiler) : '?'}` +
      (cmakeCache(buildDir, 'BTQ_SANITIZE') === 'ON' ? ', ASan + UBSan' : ''),
    node: process.version,
    libwebsockets: sh('pkg-config', ['--modversion', 'libwebsockets']) ?? 'n/a',
    commit: sh('git', ['-C', sourceDir, 'rev-parse', '--short', 'HEAD']) ?? 'n/a',
    dirty: (sh('git', ['-C', sourceDir, 'status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    peers: {},
  };
  for (const p of peers) facts.peers[p] = peerVersion(peersDir, PEER_PACKAGES[p] ?? p) ?? 'not installed';
  return facts;
}

export function buildType(buildDir) {
  return cmakeCache(buildDir, 'CMAKE_BUILD_TYPE');
}
export function sharedDirOf(buildDir) {
  return cmakeCache(buildDir, 'BTQ_SHARED_DIR');
}
export function sourceDirOf(buildDir) {
  return cmakeCache(buildDir, 'CMAKE_HOME_DIRECTORY');
}
