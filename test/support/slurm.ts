// A real one-node Slurm cluster for tests, from Debian's slurm-wlm and munge, started as
// root: munged as the munge user (the key and /run/munge are checked for ownership), then
// slurmctld and slurmd in the foreground on non-default ports, with all state in a
// temporary folder. Stopped by PID. Tests skip, saying why, when it cannot start.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { availableParallelism, hostname, tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

export interface SlurmCluster {
  /** Env for sbatch/squeue/sinfo: SLURM_CONF points at this cluster's slurm.conf. */
  env: NodeJS.ProcessEnv
  partition: string
  node: string
  dir: string
  stop(): Promise<void>
}

const BINARIES = ['slurmctld', 'slurmd', 'sbatch', 'sinfo', 'munged', 'munge'] as const
const MUNGE_SOCKET = '/run/munge/munge.socket.2'
const READY_TIMEOUT_MS = 30_000

/** Why the cluster cannot start here (the test's skip message), or null when it can. */
export function slurmUnavailable(): string | null {
  const missing = BINARIES.filter((name) => spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0)
  if (missing.length > 0)
    return `Slurm test skipped: ${missing.join(', ')} not installed (apt-get install slurm-wlm munge)`
  if (userInfo().uid !== 0) return 'Slurm test skipped: the one-node cluster must be started as root'
  if (!existsSync('/etc/munge/munge.key')) return 'Slurm test skipped: /etc/munge/munge.key is missing'
  return null
}

export async function startSlurmCluster(): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'slurm-'))
  // munged (as the munge user) must be able to walk into its folder inside this one.
  chmodSync(dir, 0o755)
  const children: ChildProcess[] = []
  const stop = async () => {
    for (const child of children.reverse()) await stopChild(child)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    if (!mungeAnswers()) children.push(startMunged(dir))
    await waitFor(() => mungeAnswers(), 'munged to answer')
    const node = hostname().split('.')[0] ?? 'localhost'
    const partition = 'bench'
    const conf = writeSlurmConf(dir, node, partition)
    const env = { ...process.env, SLURM_CONF: conf }
    children.push(spawnDaemon('slurmctld', ['-D', '-f', conf], dir, env))
    children.push(spawnDaemon('slurmd', ['-D', '-f', conf], dir, env))
    await waitFor(() => {
      const out = spawnSync('sinfo', ['-h', '-N', '-o', '%t'], { env, encoding: 'utf8' })
      return out.status === 0 && /^idle/m.test(out.stdout)
    }, `sinfo to show ${node} idle (logs in ${dir})`)
    return { env, partition, node, dir, stop }
  } catch (error) {
    const logs = ['slurmctld.log', 'slurmd.log', 'munged.log']
      .map((name) => join(dir, name))
      .filter(existsSync)
      .map((path) => `--- ${path}\n${readFileSync(path, 'utf8').split('\n').slice(-15).join('\n')}`)
    await stop()
    throw new Error(`${(error as Error).message}\n${logs.join('\n')}`)
  }
}

function mungeAnswers(): boolean {
  return existsSync(MUNGE_SOCKET) && spawnSync('munge', ['-n'], { stdio: 'ignore' }).status === 0
}

/** munged refuses to run as root and checks that its folders belong to its user. */
function startMunged(dir: string): ChildProcess {
  const munge = lookupUser('munge')
  if (munge === null) throw new Error('no munge user')
  mkdirSync('/run/munge', { recursive: true, mode: 0o755 })
  chownSync('/run/munge', munge.uid, munge.gid)
  const mungeDir = join(dir, 'munge')
  mkdirSync(mungeDir, { mode: 0o700 })
  chownSync(mungeDir, munge.uid, munge.gid)
  const args = [
    '-F',
    `--socket=${MUNGE_SOCKET}`,
    `--pid-file=/run/munge/munged.pid`,
    `--log-file=${join(mungeDir, 'munged.log')}`,
    `--seed-file=${join(mungeDir, 'munged.seed')}`,
  ]
  return spawn('munged', args, { uid: munge.uid, gid: munge.gid, stdio: 'ignore' })
}

function lookupUser(name: string): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`))
  if (line === undefined) return null
  const [, , uid, gid] = line.split(':')
  return { uid: Number(uid), gid: Number(gid) }
}

function writeSlurmConf(dir: string, node: string, partition: string): string {
  // Ports away from the defaults (6817/6818) and from each other, picked per cluster.
  const ctldPort = 20_000 + Math.floor(Math.random() * 20_000)
  const lines = [
    'ClusterName=runbench',
    `SlurmctldHost=${node}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${ctldPort + 1}`,
    'AuthType=auth/munge',
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_CPU',
    'ReturnToService=2',
    'MpiDefault=none',
    // More CPUs than the machine has (config_overrides: slurmd believes the config), so
    // an array of a few single-CPU shards runs at once, as on a real cluster's nodes.
    'SlurmdParameters=config_overrides',
    `NodeName=${node} CPUs=${Math.max(8, availableParallelism())} State=UNKNOWN`,
    `PartitionName=${partition} Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ]
  mkdirSync(join(dir, 'state'))
  mkdirSync(join(dir, 'spool'))
  const path = join(dir, 'slurm.conf')
  writeFileSync(path, lines.join('\n'))
  return path
}

function spawnDaemon(program: string, args: string[], dir: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text
    writeFileSync(join(dir, `${program}.stderr`), stderr)
  })
  return child
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

async function waitFor(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (ready()) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`Timed out after ${READY_TIMEOUT_MS / 1000} s waiting for ${what}`)
}
