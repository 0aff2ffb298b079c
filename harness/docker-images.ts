/**
 * The Docker Engine's image store, for the sandbox's stand-in images: label-checked lookups, tags,
 * labelled builds, a root file system imported as an image, and the removal of superseded ones.
 * Part of the Docker module (harness/docker.ts, `Docker.images`), like harness/compose.ts.
 */
import { spawn } from "node:child_process";
import { orMissing, run } from "./exec.ts";

export interface DockerImages {
  /** The image id behind `ref` and the value of its `label` ("" when unset); null when there is no such image. */
  labelled(ref: string, label: string): Promise<{ id: string; value: string } | null>;
  tag(source: string, target: string): Promise<void>;
  /** `docker build` with the classic builder, no network and no pull, tagged and labelled. */
  build(opts: {
    context: string;
    tags: string[];
    labels: Record<string, string>;
    timeoutMs: number;
  }): Promise<void>;
  /** `tar -C dir -c . | docker import --change … - tag`, without a shell. */
  importTree(dir: string, tag: string, changes: string[]): Promise<void>;
  /** Ids of the untagged images that carry `label`. */
  dangling(label: string): Promise<string[]>;
  /** Removes an image without force; false when the engine refused (a container still uses it). */
  remove(id: string): Promise<boolean>;
  /** Removes a tag with force (an image a container still uses is only untagged); no error when absent. */
  untag(ref: string): Promise<void>;
}

export function createDockerImages(): DockerImages {
  return {
    async labelled(ref, label) {
      const f = `{{.Id}}|{{index .Config.Labels "${label}"}}`;
      const out = await orMissing(run("docker", ["image", "inspect", "-f", f, ref], { timeoutMs: 30_000 }));
      if (out === null) return null;
      const [id, value] = out.trim().split("|");
      return { id: id!, value: value === "<no value>" ? "" : (value ?? "") };
    },
    async tag(source, target) {
      await run("docker", ["tag", source, target], { timeoutMs: 30_000 });
    },
    async build({ context, tags, labels, timeoutMs }) {
      const args = [
        "build",
        "--network=none",
        "--pull=false",
        ...Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
        ...tags.flatMap((t) => ["-t", t]),
        context,
      ];
      await run("docker", args, { timeoutMs, env: { ...process.env, DOCKER_BUILDKIT: "0" } });
    },
    importTree,
    async dangling(label) {
      const args = ["images", "-q", "--no-trunc", "-f", "dangling=true", "-f", `label=${label}`];
      const { stdout } = await run("docker", args, { timeoutMs: 30_000 });
      return [...new Set(stdout.split("\n").filter(Boolean))];
    },
    async remove(id) {
      return run("docker", ["image", "rm", id], { timeoutMs: 60_000 }).then(
        () => true,
        () => false,
      );
    },
    async untag(ref) {
      await run("docker", ["image", "rm", "-f", ref], { timeoutMs: 120_000 }).catch(() => undefined);
    },
  };
}

function importTree(dir: string, tag: string, changes: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn("tar", ["--numeric-owner", "-C", dir, "-c", "."], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const args = ["import", ...changes.flatMap((c) => ["--change", c]), "-", tag];
    const imp = spawn("docker", args, { stdio: ["pipe", "pipe", "pipe"] });
    let errText = "";
    tar.stderr.on("data", (c: Buffer) => (errText += c.toString()));
    imp.stderr.on("data", (c: Buffer) => (errText += c.toString()));
    tar.stdout.pipe(imp.stdin);
    let tarCode: number | null = null;
    tar.on("close", (code) => (tarCode = code));
    tar.on("error", reject);
    imp.on("error", reject);
    imp.on("close", (code) => {
      if (code === 0 && tarCode === 0) resolve();
      else
        reject(
          new Error(
            `docker import of ${dir} failed (tar ${tarCode}, import ${code}): ${errText.slice(-2000)}`,
          ),
        );
    });
  });
}
