/**
 * Untrusted text into Markdown: the PR comment, the job summary and a run's report all print
 * strings that came from an entry or an artifact (logins, check details, fault parameters), so
 * every such string passes through here. One escaper, for every Markdown the platform writes.
 */

/**
 * Escapes text for a Markdown table cell or line: no HTML, no mentions (`@` gets a zero-width
 * space, so nobody is notified), no emphasis, links, headings or table breaks; at most `max`
 * characters.
 */
export function md(text: string, max = 500): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]|#~!]/g, (c) => `\\${c}`)
    .replace(/@/g, "@\u200b")
    .slice(0, max);
}

/** Text inside a code span: no backticks or line breaks can end it early. */
export const code = (text: string) => "`" + text.replace(/[`\r\n]/g, " ").slice(0, 300) + "`";
