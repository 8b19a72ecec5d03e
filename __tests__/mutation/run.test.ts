/**
 * mutation/run.mjs reports each group's CPU seconds beside its wall time: the figure that
 * says whether a group fits in 10 minutes on two cores even when the run shared its cores.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

const RUN = path.join(__dirname, "..", "..", "mutation", "run.mjs");

/** Calls childrenCpuSeconds in a Node process of its own (run.mjs is an ES module). */
function cpuSecondsOf(stat: string, ticksPerSecond = 100): unknown {
  const script = `import(${JSON.stringify(RUN)}).then((m) => console.log(JSON.stringify(m.childrenCpuSeconds(${JSON.stringify(stat)}, ${ticksPerSecond}) ?? null)))`;
  const out = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  return JSON.parse(out.stdout);
}

/** A /proc/<pid>/stat line: pid, (command), state, then fields 4-17 with cutime and cstime last. */
function statLine(command: string, cutimeTicks: number, cstimeTicks: number): string {
  const fields4to15 = [1, 100, 100, 0, -1, 4194304, 50, 60, 0, 0, 7, 3];
  return `4242 (${command}) S ${fields4to15.join(" ")} ${cutimeTicks} ${cstimeTicks} 20 0 1 0 5000`;
}

describe("childrenCpuSeconds", () => {
  it("adds the reaped children's user and system time (fields 16 and 17), in seconds", () => {
    expect(cpuSecondsOf(statLine("node", 12345, 655))).toBe(130);
  });

  it("reads the fields after a command that holds spaces and parentheses", () => {
    expect(cpuSecondsOf(statLine("a (b) c", 250, 50))).toBe(3);
  });

  it("divides by the clock ticks per second it is given", () => {
    expect(cpuSecondsOf(statLine("node", 500, 500), 250)).toBe(4);
  });

  it("is undefined for a line it cannot read", () => {
    expect(cpuSecondsOf("not a stat line")).toBeNull();
  });
});
