import { readFileSync } from 'node:fs'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import type { CliIo } from './CliIo.js'
import { AdminResponseError } from './errors/AdminResponseError.js'
import { AdminUnreachableError } from './errors/AdminUnreachableError.js'
import { UsageError } from './errors/UsageError.js'
import {
  adminUrlArg,
  durationMsArg,
  fleetArg,
  hostNamesArg,
  hostPortArg,
  joinArg,
  listenArg,
  minReportingArg,
  parseSwitch,
  quorumArg,
  rpsArg,
  targetUrlArg,
  textArg,
} from './options/argParsers.js'
import { fleetKeyFileArg, tokenFileArg } from './options/secretFiles.js'
import { isLoopbackHost } from '@breaker-mesh/core'
import type { HostPort } from '@breaker-mesh/core'

/** Exit codes: the CLI contract (docs/ARCHITECTURE.md, "Protocols"). */
export const EXIT = { ok: 0, nodeError: 1, usage: 2, unreachable: 3 } as const

const DEFAULT_LISTEN = '0.0.0.0:7946'
const DEFAULT_ADMIN = '127.0.0.1:7947'
const ENV = 'BREAKER_MESH_'

/**
 * Run the `breaker-mesh` command line `argv` (without node and script) and
 * return the exit code: 0 ok, 1 the node answered with an error, 2 bad usage,
 * 3 the node could not be reached (130 if interrupted before an answer).
 * Flags read BREAKER_MESH_* variables from `process.env`; flags win.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok
  const program = buildProgram(io, (c) => (code = c))
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return code
  } catch (err) {
    return exitCodeOf(err, io)
  }
}

/** The process entry point used by bin/breaker-mesh.js. */
export async function main(argv: readonly string[]): Promise<void> {
  const controller = new AbortController()
  let signals = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals === 1) {
      controller.abort()
      return
    }
    process.stderr.write(`breaker-mesh: ${signal} again, exiting without a graceful stop\n`)
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // `watch --json | head -1`: a closed stdout ends the command quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok)
  })

  const code = await run(argv, { stdout: process.stdout, stderr: process.stderr, signal: controller.signal })
  process.exitCode = code
  // Exit even if a library left a handle open; flush stdout first.
  process.stdout.write('', () => process.exit(code))
}

function exitCodeOf(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // Commander has already printed the message and usage (or the help/version asked for).
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage
  }
  if (err instanceof AdminUnreachableError) {
    io.stderr.write(`breaker-mesh: ${err.message}\n`)
    return EXIT.unreachable
  }
  if (err instanceof AdminResponseError) {
    io.stderr.write(`breaker-mesh: ${err.message} (${err.remoteCode}, HTTP ${err.status})\n`)
    return EXIT.nodeError
  }
  if (err instanceof UsageError) {
    io.stderr.write(`breaker-mesh: ${err.message}\n(run breaker-mesh --help for usage)\n`)
    return EXIT.usage
  }
  if (err instanceof Error && err.name === 'AbortError') return 130
  io.stderr.write(`breaker-mesh: ${err instanceof Error ? err.message : String(err)}\n`)
  return EXIT.nodeError
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}

function tokenFileOption(): Option {
  return new Option('--token-file <path>', "file holding the node's admin token (sent as Authorization: Bearer)")
    .env(`${ENV}ADMIN_TOKEN_FILE`)
    .argParser(tokenFileArg)
}

function adminOption(): Option {
  return new Option('--admin <host:port>', 'admin API of the node to talk to (host:port or http:// URL)')
    .env(`${ENV}ADMIN`)
    .default(adminUrlArg(DEFAULT_ADMIN), DEFAULT_ADMIN)
    .argParser(adminUrlArg)
}

function buildProgram(io: CliIo, setCode: (code: number) => void): Command {
  const program = new Command('breaker-mesh')
    .description('Keep circuit breakers consistent across a fleet, peer to peer.')
    .version(readVersion(), '-V, --version')
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError(true)
    .showSuggestionAfterError(true)

  program
    .command('start')
    .description('run a node of the fleet and its admin API until SIGTERM/SIGINT')
    .addOption(new Option('--name <name>', 'node name shown in views (default: hostname-pid)').env(`${ENV}NAME`).argParser(textArg(128)))
    .addOption(new Option('--fleet <fleet>', 'fleet to join; only nodes of one fleet share breakers (default: "default")').env(`${ENV}FLEET`).argParser(fleetArg))
    .addOption(new Option('--listen <host:port>', 'where the node listens (port 0: any)').env(`${ENV}LISTEN`).default(DEFAULT_LISTEN).argParser(listenArg))
    .addOption(
      new Option('--join <host:port...>', 'seed nodes: host:port or multiaddr; repeat, or separate with commas')
        .env(`${ENV}JOIN`)
        .argParser(joinArg),
    )
    .addOption(new Option('--mdns', 'discover peers on the local network by mDNS (default; BREAKER_MESH_MDNS=0 disables)'))
    .addOption(new Option('--no-mdns', 'do not use mDNS'))
    .addOption(
      new Option('--admin <host:port>', 'where the admin API listens; off loopback it needs --admin-token-file')
        .env(`${ENV}ADMIN`)
        .default(hostPortArg(DEFAULT_ADMIN), DEFAULT_ADMIN)
        .argParser(hostPortArg),
    )
    .addOption(
      new Option('--fleet-key-file <path>', 'fleet key (from `breaker-mesh keygen`): only nodes holding it can connect')
        .env(`${ENV}FLEET_KEY_FILE`)
        .argParser(fleetKeyFileArg),
    )
    .addOption(
      new Option('--admin-token-file <path>', 'admin token: POSTs to the admin API need Authorization: Bearer <token>')
        .env(`${ENV}ADMIN_TOKEN_FILE`)
        .argParser(tokenFileArg),
    )
    .addOption(
      new Option('--admin-allowed-hosts <names>', 'extra Host names the admin API answers to (service name, proxy); comma-separated')
        .env(`${ENV}ADMIN_ALLOWED_HOSTS`)
        .argParser(hostNamesArg),
    )
    .addOption(new Option('--vclock-ttl-ms <ms>', "how long a departed member stays in vector clocks (default: 3600000)").env(`${ENV}VCLOCK_TTL_MS`).argParser(durationMsArg))
    .addOption(new Option('--record-ttl-ms <ms>', 'how long a record nobody uses is kept (default: 3600000)').env(`${ENV}RECORD_TTL_MS`).argParser(durationMsArg))
    .addOption(
      new Option('--member-retention-ms <ms>', 'how long a dead or left member is remembered (default: lan 6 h, local 60 s)')
        .env(`${ENV}MEMBER_RETENTION_MS`)
        .argParser(durationMsArg),
    )
    .addOption(new Option('--insecure', 'allow a non-loopback listen address without a fleet key, or admin API without a token'))
    .addOption(new Option('--profile <profile>', 'SWIM timing profile; local is fast, for tests and loopback fleets (default: "lan")').env(`${ENV}PROFILE`).choices(['lan', 'local']))
    .addOption(new Option('--target <url>', 'demo workload: GET this URL through the breaker').env(`${ENV}TARGET`).argParser(targetUrlArg))
    .addOption(new Option('--breaker <name>', 'demo workload: breaker name').env(`${ENV}BREAKER`).argParser(textArg(128)))
    .addOption(new Option('--rps <n>', 'demo workload: requests per second (default: 10)').env(`${ENV}RPS`).argParser(rpsArg))
    .addOption(
      new Option('--decision <policy>', "demo workload: how the fleet opens the breaker: any node's trip, a quorum of opinions, or the aggregate window (default: any)")
        .env(`${ENV}DECISION`)
        .choices(['any', 'quorum', 'aggregate']),
    )
    .addOption(new Option('--quorum <fraction>', 'demo workload, --decision quorum: share of fresh opinions that must be failing (default: a majority)').env(`${ENV}QUORUM`).argParser(quorumArg))
    .addOption(
      new Option('--min-reporting <n>', 'demo workload, quorum or aggregate: fewest fresh reporters for the fleet to decide (default: 3)')
        .env(`${ENV}MIN_REPORTING`)
        .argParser(minReportingArg),
    )
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const target = opts['target'] as string | undefined
      const breaker = opts['breaker'] as string | undefined
      if ((target === undefined) !== (breaker === undefined)) {
        cmd.error('error: --target and --breaker go together (the demo workload needs both)', { exitCode: EXIT.usage })
      }
      for (const flag of ['rps', 'decision', 'quorum', 'minReporting'] as const) {
        if (opts[flag] !== undefined && target === undefined) {
          cmd.error(`error: --${flag === 'minReporting' ? 'min-reporting' : flag} needs --target and --breaker`, { exitCode: EXIT.usage })
        }
      }
      if (opts['quorum'] !== undefined && opts['decision'] !== 'quorum') {
        cmd.error('error: --quorum needs --decision quorum', { exitCode: EXIT.usage })
      }
      const fleetKey = opts['fleetKeyFile'] as string | undefined
      const adminToken = opts['adminTokenFile'] as string | undefined
      const insecure = switchOf(opts['insecure'] as boolean | undefined, 'INSECURE', false, cmd)
      const exposures = exposuresOf(opts['listen'] as string, opts['admin'] as HostPort, fleetKey, adminToken)
      if (exposures.length > 0) {
        if (!insecure) cmd.error(`error: ${exposures.map((e) => e.refusal).join('\nerror: ')}`, { exitCode: EXIT.usage })
        io.stderr.write(`breaker-mesh: WARNING --insecure: ${exposures.map((e) => e.warning).join('; ')}\n`)
      }
      const { start } = await import('./commands/start.js')
      setCode(
        await start(
          {
            listen: opts['listen'] as string,
            join: (opts['join'] as string[] | undefined) ?? [],
            mdns: mdnsOf(opts['mdns'] as boolean | undefined, cmd),
            admin: opts['admin'] as HostPort,
            ...(fleetKey === undefined ? {} : { fleetKey }),
            ...(adminToken === undefined ? {} : { adminToken }),
            ...(opts['adminAllowedHosts'] === undefined ? {} : { adminAllowedHosts: opts['adminAllowedHosts'] as string[] }),
            ...(opts['vclockTtlMs'] === undefined ? {} : { vclockTtlMs: opts['vclockTtlMs'] as number }),
            ...(opts['recordTtlMs'] === undefined ? {} : { recordTtlMs: opts['recordTtlMs'] as number }),
            ...(opts['memberRetentionMs'] === undefined ? {} : { memberRetentionMs: opts['memberRetentionMs'] as number }),
            insecure,
            ...(opts['name'] === undefined ? {} : { name: opts['name'] as string }),
            ...(opts['fleet'] === undefined ? {} : { fleet: opts['fleet'] as string }),
            ...(opts['profile'] === undefined ? {} : { profile: opts['profile'] as 'lan' | 'local' }),
            ...(target !== undefined && breaker !== undefined
              ? { workload: { target, breaker, rps: (opts['rps'] as number | undefined) ?? 10, decision: decisionOf(opts) } }
              : {}),
            debug: Boolean(process.env[`${ENV}DEBUG`]),
          },
          io,
        ),
      )
    })

  program
    .command('inspect')
    .description("print a node's view: members and breakers")
    .addOption(adminOption())
    .option('--json', 'print the view as JSON (the GET /v1/view document)', false)
    .addOption(new Option('--breaker <name>', "one breaker: its fleet decision and every member's opinion").argParser(textArg(128)))
    .action(async (opts: { admin: string; json: boolean; breaker?: string }) => {
      const { inspect } = await import('./commands/inspect.js')
      setCode(await inspect(opts, io))
    })

  program
    .command('watch')
    .description("follow a node's breaker and membership changes until interrupted")
    .addOption(adminOption())
    .option('--json', 'one JSON event per line (NDJSON)', false)
    .action(async (opts: { admin: string; json: boolean }) => {
      const { watch } = await import('./commands/watch.js')
      setCode(await watch(opts, io))
    })

  const overrideCommand = (action: 'force-open' | 'force-close' | 'reset', description: string): Command => {
    const cmd = program
      .command(action)
      .description(description)
      .argument('<name>', 'breaker name')
      .addOption(adminOption())
      .addOption(tokenFileOption())
    if (action === 'force-open') {
      cmd.addOption(new Option('--reason <text>', 'why, shown in every view').env(`${ENV}REASON`).argParser(textArg(256)))
    }
    return cmd.action(async (name: string, opts: { admin: string; reason?: string; tokenFile?: string }) => {
      const { override } = await import('./commands/override.js')
      const { tokenFile: token, ...rest } = opts
      setCode(await override(action, name, { ...rest, ...(token === undefined ? {} : { token }) }, io))
    })
  }
  overrideCommand('force-open', 'open a breaker on every node until reset')
  overrideCommand('force-close', 'close a breaker on every node until reset')
  overrideCommand('reset', 'clear an operator override; the breaker follows its policy again')

  program
    .command('keygen')
    .description('print a new fleet key (swarm-key format): breaker-mesh keygen > fleet.key')
    .action(async () => {
      const { keygen } = await import('./commands/keygen.js')
      setCode(keygen(io))
    })

  return program
}

/** The workload breaker's decision options from --decision, --quorum, --min-reporting (only those given). */
function decisionOf(opts: Record<string, unknown>): { decision?: 'any' | 'quorum' | 'aggregate'; quorum?: number; minReporting?: number } {
  return {
    ...(opts['decision'] === undefined ? {} : { decision: opts['decision'] as 'any' | 'quorum' | 'aggregate' }),
    ...(opts['quorum'] === undefined ? {} : { quorum: opts['quorum'] as number }),
    ...(opts['minReporting'] === undefined ? {} : { minReporting: opts['minReporting'] as number }),
  }
}

/** --mdns / --no-mdns win; otherwise BREAKER_MESH_MDNS (0/false disables); otherwise on. */
function mdnsOf(flag: boolean | undefined, cmd: Command): boolean {
  return switchOf(flag, 'MDNS', true, cmd)
}

/** A boolean flag: the flag wins; otherwise BREAKER_MESH_<name> (1/true/0/false…); otherwise `fallback`. */
function switchOf(flag: boolean | undefined, name: string, fallback: boolean, cmd: Command): boolean {
  if (flag !== undefined) return flag
  const env = process.env[`${ENV}${name}`]
  if (env === undefined || env === '') return fallback
  try {
    return parseSwitch(env)
  } catch (err) {
    const message = err instanceof InvalidArgumentError ? err.message : String(err)
    cmd.error(`error: ${ENV}${name}: ${message}`, { exitCode: EXIT.usage })
  }
}

interface Exposure {
  refusal: string
  warning: string
}

/**
 * Protected mode: what `start` would expose. A p2p listener off loopback
 * without a fleet key lets any process join the fleet; an admin API off
 * loopback without a token lets anyone force breakers open fleet-wide.
 */
function exposuresOf(listen: string, admin: HostPort, fleetKey: string | undefined, adminToken: string | undefined): Exposure[] {
  const out: Exposure[] = []
  const listenHost = listen.startsWith('[') ? listen.slice(1, listen.indexOf(']')) : listen.slice(0, listen.lastIndexOf(':'))
  if (fleetKey === undefined && !isLoopbackHost(listenHost)) {
    out.push({
      refusal:
        `refusing to listen on ${listen} without a fleet key: any process that reaches it could join the fleet and steer its breakers. ` +
        'Add --fleet-key-file PATH (create the key with `breaker-mesh keygen > fleet.key`; env BREAKER_MESH_FLEET_KEY_FILE), ' +
        'or --listen 127.0.0.1:PORT, or --insecure',
      warning: `p2p on ${listen} without a fleet key (anyone who reaches it can join)`,
    })
  }
  if (adminToken === undefined && !isLoopbackHost(admin.host)) {
    const where = `${admin.host.includes(':') ? `[${admin.host}]` : admin.host}:${admin.port}`
    out.push({
      refusal:
        `refusing to serve the admin API on ${where} without a token: anyone who reaches it could force breakers open fleet-wide. ` +
        'Add --admin-token-file PATH (e.g. `openssl rand -hex 32 > admin.token`; env BREAKER_MESH_ADMIN_TOKEN_FILE), ' +
        'or --admin 127.0.0.1:PORT, or --insecure',
      warning: `admin API on ${where} without a token (anyone who reaches it can steer breakers)`,
    })
  }
  return out
}
