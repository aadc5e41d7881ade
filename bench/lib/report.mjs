// Turns the scenarios' results into the summary table (plain text for the terminal, Markdown for
// docs/benchmarks.md). A run against the reference server says so in its title, in every scenario
// name and in the notes, so that its figures cannot be pasted as Parley's.

const fmt = (v, unit = '') => (v === null || v === undefined ? '—' : `${typeof v === 'number' ? v.toLocaleString('en-US') : v}${unit}`);

/** The scenario's main figure, in words. */
function keyFigure(scenario, row) {
  if (row.gzipKB !== undefined) return `${fmt(row.gzipKB)} kB gzip (${fmt(row.rawKB)} kB raw)`;
  if (row.coldLoadMs !== undefined) return `cold load ${fmt(row.coldLoadMs)} ms; warm p50 ${fmt(row.latencyMs.p50)} ms`;
  if (row.firstOpenMs !== undefined) return `${fmt(row.latencyMs.p50)} ms click → newest message shown (p50; first open ${fmt(row.firstOpenMs)} ms)`;
  if (row.bytesPerConnection !== undefined) {
    return `${fmt(row.bytesPerConnection)} B/conn RSS (heap ${fmt(row.heapBytesPerConnection)} B/conn)`;
  }
  if (row.requestsPerSecond !== undefined) return `${fmt(row.requestsPerSecond)} req/s`;
  if (row.megabytesPerSecond !== undefined) return `${fmt(row.megabytesPerSecond)} MB/s (RSS +${fmt(row.rssGrowthMiB)} MiB)`;
  if (row.deliveriesPerSecond === undefined && row.latencyMs) return `${fmt(row.latencyMs.p50)} ms per upload (p50)`;
  return `${fmt(row.deliveriesPerSecond)} deliveries/s`;
}

/** What the rest of the machine did during the window: CPU (% of a core) and MiB written to disk. */
function others(row) {
  if (row.otherCpuPct === undefined || row.otherCpuPct === null) return '—';
  return `${row.otherCpuPct}%, ${fmt(row.otherDiskWritesMiB, ' MiB')}`;
}

function lostCell(row) {
  if (row.lostMessages === undefined) return '—';
  const refused = row.errors ? ` (${row.errors} refused)` : '';
  return `${row.lostMessages}${refused}`;
}

const SUMMARY_COLUMNS = ['Scenario', 'Load', 'Result', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'Lost msgs', 'Server CPU', 'Generator CPU (loop)', 'Others: CPU, disk writes', 'Server RSS', 'Target', 'Met'];

const REFERENCE_BANNER = 'REFERENCE SERVER (stores nothing), not Parley';

/** The summary's rows for one scenario: one, or one per part for those with `rowsInSummary` (web-size, web-interactive). */
function summaryRows(entry, reference) {
  const { result, error } = entry;
  const scenario = reference ? `${entry.scenario} (reference)` : entry.scenario;
  if (error) return [[scenario, '—', `FAILED: ${error.split('\n')[0].slice(0, 120)}`, ...Array(SUMMARY_COLUMNS.length - 4).fill('—'), 'no']];
  if (result.rowsInSummary) return result.rows.map((row) => summaryRow(`${scenario}: ${row.part}`, row, result));
  // A scenario with a headline (max) shows it; a null headline means no step passed.
  return [summaryRow(scenario, ('headline' in result ? result.headline : result.rows[0]) ?? {}, result)];
}

function generatorCell(row) {
  if (row.generatorCpuPct === undefined) return '—';
  const browser = row.browserCpuPct === undefined ? '' : `, browser ${row.browserCpuPct}%`;
  return `${row.generatorCpuPct}% (${row.generatorEventLoopPct}%)${browser}`;
}

function summaryRow(scenario, row, result) {
  const lat = row.latencyMs ?? {};
  return [
    scenario,
    row.label ?? 'first step failed',
    row.label ? keyFigure(scenario, row) : 'none sustained',
    fmt(lat.p50),
    fmt(lat.p95),
    fmt(lat.p99),
    fmt(lat.max),
    lostCell(row),
    row.serverCpuPct === undefined ? '—' : `${row.serverCpuPct}%`,
    generatorCell(row),
    others(row),
    fmt(row.serverRssMiB, ' MiB'),
    result.target,
    (row.met ?? result.met) ? 'yes' : 'NO',
  ];
}

const STEP_COLUMNS = ['Offered msg/s', 'Deliveries/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'Ack p99 ms', 'Lost msgs', 'Server CPU', 'Generator CPU (loop)', 'Others: CPU, disk writes', 'Server RSS', 'Verdict'];

function stepRow(row) {
  return [
    fmt(row.offeredMessagesPerSecond),
    fmt(row.deliveriesPerSecond),
    fmt(row.latencyMs.p50),
    fmt(row.latencyMs.p95),
    fmt(row.latencyMs.p99),
    fmt(row.latencyMs.max),
    fmt(row.ackLatencyMs.p99),
    lostCell(row),
    `${row.serverCpuPct}%`,
    `${row.generatorCpuPct}% (${row.generatorEventLoopPct}%)`,
    others(row),
    fmt(row.serverRssMiB, ' MiB'),
    row.note,
  ];
}

function codeLine(code) {
  if (!code) return 'unknown';
  return `commit ${code.commit}${code.uncommittedChanges ? ` plus uncommitted changes in ${code.sources ?? 'packages'}/` : ''}`;
}

function markdownTable(columns, rows) {
  const escape = (cell) => String(cell).replaceAll('|', '\\|');
  return [
    `| ${columns.join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n');
}

function textTable(columns, rows) {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One line for the machine of `machineInfo()`. */
export function describeMachine(m) {
  return `${m.cpuModel}, ${m.cores} cores${m.virtualMachine ? ' (virtual machine)' : ''}, ${m.ramGiB} GiB RAM, Node ${m.node}, ${m.kernel}`;
}

/** Tables for the terminal and for docs/benchmarks.md. */
export function renderReport(run) {
  const summary = run.scenarios.flatMap((entry) => summaryRows(entry, run.reference));
  const max = run.scenarios.find((s) => s.scenario === 'max' && s.result);
  const steps = max ? max.result.rows.map(stepRow) : [];
  const machine = describeMachine(run.machine);

  const text = [
    `Parley benchmark — ${run.startedAt}${run.quick ? ' (QUICK mode: short runs, smoke test only)' : ''}`,
    ...(run.reference ? [`*** ${REFERENCE_BANNER}: ${run.serverProgram} ***`] : []),
    `Machine: ${machine}`,
    `Command: ${run.command}`,
    `Code: ${codeLine(run.code)}`,
    '',
    textTable(SUMMARY_COLUMNS, summary),
    ...(steps.length ? ['', `max${run.reference ? ' (reference)' : ''}: steps`, textTable(STEP_COLUMNS, steps), `stopped: ${max.result.details.stoppedBecause}`] : []),
  ].join('\n');

  const serverNotes = run.reference
    ? [
        `- **${REFERENCE_BANNER}**: \`${run.serverProgram}\`, a minimal in-memory ws broadcast loop (no storage, no fsync, no validation, no rate limits); a calibration of the machine and the load generator, not a figure of Parley. Targets are Parley's.`,
        '- Server and load generator are separate processes pinned to separate cores (`taskset -c 0` / `taskset -c 1`), over loopback WebSockets.',
      ]
    : [
        '- Server and load generator are separate processes pinned to separate cores (`taskset -c 0` / `taskset -c 1`), over loopback WebSockets; SQLite in WAL mode, each ack sent only once its commit is on disk (fdatasync of the WAL).',
        '- The benchmark raises rate limits and lowers the password-hash cost (argon2 1 MiB, 1 iteration) only to set up thousands of users quickly; no figure measures logins.',
      ];
  const notes = [
    `- Machine: ${machine}.`,
    `- Command: \`${run.command}\`${run.quick ? ' (quick mode: short runs, for smoke-testing only)' : ''}; ${run.startedAt}; code ${codeLine(run.code)}.`,
    ...serverNotes,
    ...(run.scenarios.some((e) => e.scenario.startsWith('web-'))
      ? ['- Web scenarios: the web app built with Vite from `packages/web`, loaded by headless Chromium (Debian\'s, driven by playwright-core) on loopback; the browser is the generator\'s child and shares its core (`taskset -c 1`), the server keeps core 0. Times are on the page\'s clock, from navigation start (or the click) to the frame that shows the login form, the conversation list (or the newest message); "browser" is the CPU of all Chromium processes; sizes are the scripts Chromium fetched, gzip level 9, kB = 1,000 bytes.']
      : []),
    '- Latency is send→receive on the generator\'s clock (same process), messages of 100 bytes; "Lost msgs" counts messages that some member never received within 5 s of the end of the run; "(loop)" is the generator\'s event-loop utilisation; CPU figures are % of one core over the measured window; "Others" is what the rest of the machine did meanwhile: CPU used and MiB written to disk by other processes (approximate; more than a few % of CPU or a few MiB of writes means the figures were disturbed).',
  ];
  const markdown = [
    ...(run.reference ? [`**${REFERENCE_BANNER}** (\`${run.serverProgram}\`)`, ''] : []),
    markdownTable(SUMMARY_COLUMNS, summary),
    ...(steps.length ? ['', `\`max\`${run.reference ? ' (reference)' : ''} steps (stopped: ${max.result.details.stoppedBecause}):`, '', markdownTable(STEP_COLUMNS, steps)] : []),
    '',
    ...notes,
  ].join('\n');
  return { text, markdown };
}
