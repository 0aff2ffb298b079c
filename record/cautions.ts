/** The Markdown of a run's cautions (integrity.cautions), for the report and the PR comment. */
import { md } from "./markdown.ts";

/** The platform's own load path fell behind: the figures stand, but the section says what limited those seconds. */
export function cautionSection(cautions: readonly string[], heading: "##" | "###"): string[] {
  return [
    `${heading} Caution: the platform's load path fell behind`,
    "",
    ...cautions.map((c) => `- ${md(c)}`),
    "",
    "The score stands as measured; a run on a less busy machine may score differently.",
    "",
  ];
}
