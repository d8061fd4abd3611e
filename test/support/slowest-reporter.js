// Prints the slowest test files at the end of a run (the figures to look at when the suite grows
// past its budget; Jest prints a file's time only beside its name, lost in a long log).
class SlowestReporter {
  constructor() {
    this.files = [];
  }
  onTestResult(_test, result) {
    const { start, end } = result.perfStats;
    this.files.push({ path: result.testFilePath.replace(`${process.cwd()}/`, ''), s: (end - start) / 1000 });
  }
  onRunComplete() {
    const top = this.files.sort((a, b) => b.s - a.s).slice(0, 20);
    const total = this.files.reduce((n, f) => n + f.s, 0);
    process.stderr.write(`\nSlowest test files (${this.files.length} files, ${total.toFixed(0)} s of worker time):\n`);
    for (const f of top) process.stderr.write(`  ${f.s.toFixed(1).padStart(7)} s  ${f.path}\n`);
  }
}
module.exports = SlowestReporter;
