/**
 * The XSS corpus of xss.test.ts. Every payload carries a number and, if any part of it ever ran,
 * would tell: it calls `__xss(n)` (recorded by the page's init script), opens a dialog, or sets
 * `window.name` / `document.title`. Builders get the script to run (`js`, e.g. `__xss(17)`) and
 * the number; a few return the text the reader should see when Markdown legitimately formats part
 * of the payload (a real http link, a quote).
 */

export interface Payload {
  /** Unique across the whole corpus: a hit names the payload that ran. */
  readonly n: number;
  readonly text: string;
  /** What the reader sees, when Markdown formats part of it (else the text itself, give or take `*_~\`` and spaces). */
  readonly visible?: string;
}

type Built = string | { text: string; visible: string };
type Builder = (js: string, n: number) => Built;

let counter = 0;
const registry = new Map<number, Payload>();

/** Numbers the builders' payloads, one number per payload across the whole corpus. */
function corpus(builders: readonly Builder[]): Payload[] {
  return builders.map((build) => {
    const n = ++counter;
    const out = build(`__xss(${n})`, n);
    const payload: Payload = typeof out === 'string' ? { n, text: out } : { n, ...out };
    registry.set(n, payload);
    return payload;
  });
}

/** The payload behind a hit, for the failure message. */
export const payloadOf = (n: number | string): Payload | undefined => registry.get(Number(n));

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const decimal = (s: string) => [...s].map((c) => `&#${c.codePointAt(0)};`).join('');
const hexEntities = (s: string) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('');
const percent = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
const jsEscapes = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const RLO = '\u202E';
const ZWSP = '\u200B';

/** Message text: sent live by one person and read by another. */
export const messagePayloads: readonly Payload[] = corpus([
  // Classic script tags.
  (x) => `<script>${x}</script>`,
  (x) => `<SCRIPT>${x}</SCRIPT>`,
  (x) => `<ScRiPt >${x}</sCrIpT >`,
  (x) => `<script src=data:text/javascript,${x}></script>`,
  (x) => `<script/src="data:,${x}"></script>`,
  (x) => `"><script>${x}</script>`,
  (x) => `'><script>${x}</script>`,
  (x) => `</textarea><script>${x}</script>`,
  (x) => `</title></style></noscript><script>${x}</script>`,
  (x) => `<scr<script>ipt>${x}</scr</script>ipt>`,
  (x) => `<<SCRIPT>${x}//<</SCRIPT>`,
  (x) => `<script>eval(atob('${b64(x)}'))</script>`,
  (x) => `<script>/*</script><script>*/${x}</script>`,
  (x) => `<script type="module">${x}</script>`,
  (x) => `<script>document.write('<img src=x onerror=${x}>')</script>`,
  (_x, n) => `<script>document.title='xss${n}'</script>`,
  (_x, n) => `<script>alert(${n})</script>`,
  // Images and their handlers.
  (x) => `<img src=x onerror=${x}>`,
  (x) => `<IMG SRC=x ONERROR=${x}>`,
  (x) => `<img src="x" onerror="${x}">`,
  (x) => `<img/src/onerror=${x}>`,
  (x) => `<img src=x onerror=eval(alt) alt="${x}">`,
  (x) => `<img src="javascript:${x}">`,
  (x) => `<img src=x onerror="${decimal(x)}">`,
  (x) => `<img src=x onerror=${hexEntities(x)}>`,
  (x) => `<img src=x onerror=${jsEscapes('__xss')}(1)||${x}>`,
  (x) => `<img """><script>${x}</script>">`,
  (x) => `<img src=\`x\`onerror=${x}>`,
  (x) => `<img srcset=",,,,,x" onerror=${x}>`,
  (x) => `<image src=x onerror=${x}>`,
  (x) => `<img src=/favicon.svg onload=${x}>`,
  (x) => `<img src=x onerror=${x}//`,
  (_x, n) => `<img src=x onerror="window.name='xss${n}'">`,
  (_x, n) => `<img src=x onerror=alert(${n})>`,
  (x) => `<img src=x onerror="javascript:${x}">`,
  (x) => `<img src=x onerror=${ZWSP}${x}>`,
  // SVG and MathML.
  (x) => `<svg onload=${x}>`,
  (x) => `<svg/onload=${x}>`,
  (_x, n) => `<svg onload=confirm(${n})>`,
  (x) => `<svg><script>${x}</script></svg>`,
  (x) => `<svg><animate onbegin=${x} attributeName=x dur=1s>`,
  (x) => `<svg><a xlink:href="javascript:${x}"><text x=20 y=20>XSS</text></a></svg>`,
  (x) => `<svg><foreignObject><iframe srcdoc="<script>parent.${x}</script>"></iframe></foreignObject></svg>`,
  (x) => `<svg><set attributeName=onmouseover to=${x}>`,
  (x) => `<svg><use href="data:image/svg+xml;base64,${b64(`<svg id=x xmlns="http://www.w3.org/2000/svg"><image href=1 onerror=${x} /></svg>`)}#x"/></svg>`,
  (x) => `<math><mtext><table><mglyph><style><img src=x onerror=${x}>`,
  (x) => `<svg></p><style><a id="</style><img src=1 onerror=${x}>">`,
  (x) => `<math href="javascript:${x}">CLICKME</math>`,
  (x) => `<form><math><mtext></form><form><mglyph><svg><mtext><style><path id="</style><img onerror=${x} src>">`,
  // Frames, objects, embeds.
  (x) => `<iframe src="javascript:${x}"></iframe>`,
  (x) => `<iframe srcdoc="<script>parent.${x}</script>"></iframe>`,
  (x) => `<iframe srcdoc="&lt;img src=x onerror=parent.${x}&gt;"></iframe>`,
  (x) => `<iframe src="data:text/html,<script>${x}</script>"></iframe>`,
  (x) => `<iframe src="data:text/html;base64,${b64(`<script>${x}</script>`)}"></iframe>`,
  (_x, n) => `<iframe src=javascript:prompt(${n})>`,
  (x) => `<iframe onload=${x}></iframe>`,
  (x) => `<object data="javascript:${x}"></object>`,
  (x) => `<object data="data:text/html,<script>${x}</script>"></object>`,
  (x) => `<embed src="javascript:${x}">`,
  (x) => `<embed src="data:image/svg+xml;base64,${b64(`<svg xmlns="http://www.w3.org/2000/svg" onload="${x}"/>`)}">`,
  (x) => `<frameset onload=${x}>`,
  // Event handlers that fire by themselves.
  (x) => `<body onload=${x}>`,
  (x) => `<body onpageshow=${x}>`,
  (x) => `<input autofocus onfocus=${x}>`,
  (x) => `<select autofocus onfocus=${x}>`,
  (x) => `<textarea autofocus onfocus=${x}></textarea>`,
  (x) => `<keygen autofocus onfocus=${x}>`,
  (x) => `<details open ontoggle=${x}>`,
  (x) => `<video><source onerror=${x}></video>`,
  (x) => `<audio src=x onerror=${x}>`,
  (x) => `<marquee onstart=${x}>XSS</marquee>`,
  (x) => `<div onmouseover=${x} style="position:fixed;inset:0">hover me</div>`,
  (x) => `<a href=# onclick=${x}>click</a>`,
  (x) => `<button autofocus onfocus=${x}>b</button>`,
  (x) => `<form><button formaction="javascript:${x}">go</button></form>`,
  (x) => `<isindex action="javascript:${x}" type=image>`,
  (x) => `<xss id=x tabindex=1 autofocus onfocusin=${x}></xss>`,
  (x) => `<style onload=${x}></style>`,
  (x) => `<link rel=stylesheet href=x onerror=${x}>`,
  (x) => `<div onpointerenter=${x}>point</div>`,
  (x) => `<object onerror=${x}></object>`,
  // Style tricks.
  (x) => `<div style="background:url(javascript:${x})">`,
  (x) => `<div style="width:expression(${x})">`,
  (x) => `<style>@import 'javascript:${x}';</style>`,
  (x) => `<style>*{background:url("javascript:${x}")}</style>`,
  (x) => `<link rel=stylesheet href="javascript:${x}">`,
  (x) => `<xss style="behavior:url(#default#time2)" onbegin=${x}>`,
  (x) => `<meta http-equiv="refresh" content="0;url=javascript:${x}">`,
  (x) => `<meta http-equiv="refresh" content="0;url=data:text/html;base64,${b64(`<script>${x}</script>`)}">`,
  (x) => `<base href="javascript:${x}//">`,
  // Markdown links, images and autolinks with scheme obfuscation.
  (x) => `[click](javascript:${x})`,
  (x) => `[click](JaVaScRiPt:${x})`,
  (x) => `[click](java\tscript:${x})`,
  (x) => `[click](javascript&#58;${x})`,
  (x) => `[click](&#106;avascript:${x})`,
  (x) => `[click](${hexEntities('javascript:')}${x})`,
  (x) => `[click](java%0ascript:${x})`,
  (x) => `[click](javascript://%0a${x})`,
  (x) => `[click](vbscript:${x})`,
  (x) => `[click](data:text/html;base64,${b64(`<script>${x}</script>`)})`,
  (x) => `[click](data:text/html,<script>${x}</script>)`,
  (x) => `[click](javascript:${x} "title")`,
  (x) => `[click][1]\n\n[1]: javascript:${x}`,
  (x) => `![x](javascript:${x})`,
  (x) => `![x](x" onerror="${x})`,
  (x) => `<javascript:${x}>`,
  (x) => `<JAVASCRIPT:${x}>`,
  (x) => `<vbscript:${x}>`,
  (x) => `<data:text/html;base64,${b64(`<script>${x}</script>`)}>`,
  (x) => `javascript:${x}`,
  (x) => `https://example.com/"><img src=x onerror=${x}>`,
  (x) => `https://example.com/?q=<script>${x}</script>`,
  (x) => `http://example.com/#"onmouseover="${x}"`,
  (x) => ({ text: `[a](https://example.com) [b](javascript:${x})`, visible: `a [b](javascript:${x})` }),
  (x) => ({ text: `[x](https://example.com/"onclick="${x})`, visible: `x)` }),
  (x) => ({ text: `[<img src=x onerror=${x}>](https://example.com/)`, visible: `<img src=x onerror=${x}>` }),
  (x) => ({ text: `[x](mailto:a@example.com?body=<script>${x}</script>)`, visible: `x</script>)` }),
  // Raw anchors with obfuscated schemes.
  (x) => `<a href="javascript:${x}">click</a>`,
  (x) => `<a href="jav&#x09;ascript:${x}">click</a>`,
  (x) => `<a href=" &#14;  javascript:${x}">click</a>`,
  (x) => `<a href="javascript&colon;${x}">click</a>`,
  (x) => `<a href="data:text/html;base64,${b64(`<script>${x}</script>`)}">click</a>`,
  (x) => `<a href="vbscript:${x}">click</a>`,
  (x) => `<a href="&#1;javascript:${x}">click</a>`,
  (x) => `<a href="${percent('javascript:')}${x}">click</a>`,
  // Entities and escapes that must stay as typed.
  (x) => `&lt;script&gt;${x}&lt;/script&gt;`,
  (x) => `&#60;img src=x onerror=${x}&#62;`,
  (x) => `\\x3cscript\\x3e${x}\\x3c/script\\x3e`,
  (x) => `\\u003cimg src=x onerror=${x}\\u003e`,
  (x) => `%3Cscript%3E${x}%3C%2Fscript%3E`,
  (x) => `+ADw-script+AD4-${x}+ADw-/script+AD4-`,
  // Template injections.
  (x) => `{{constructor.constructor('${x}')()}}`,
  (x) => `{{$on.constructor('${x}')()}}`,
  (x) => `\${${x}}`,
  (x) => `#{${x}}`,
  (x) => `<%= ${x} %>`,
  (x) => `{{7*7}}[[\${${x}}]]`,
  (x) => `{name}{count}{{${x}}}`,
  (x) => `<div ng-app ng-csp><input autofocus ng-focus=$event.view.${x}>`,
  // Broken and nested markup.
  (x) => `<<img src=x onerror=${x}>>`,
  (x) => `<img src=x onerror=${x} <b>`,
  (x) => `<!--<img src="--><img src=x onerror=${x}//">`,
  (x) => `<![CDATA[<script>${x}</script>]]>`,
  (x) => `<noscript><p title="</noscript><img src=x onerror=${x}>">`,
  (x) => `<a"><img src=x onerror=${x}>`,
  (x) => `<title><img src=x onerror=${x}></title>`,
  (x) => `<xmp><img src=x onerror=${x}></xmp>`,
  (x) => `<template><script>${x}</script></template>`,
  (x) => `<plaintext><script>${x}</script>`,
  (x) => `</p></div></li></ol><img src=x onerror=${x}>`,
  (x) => `"-${x}-"`,
  (x) => `';${x};//`,
  (x) => `\\";${x};//`,
  (x) => `--></script><script>${x}</script>`,
  (x) => `]]><script>${x}</script>`,
  (x) => `<scri%00pt>${x}</scri%00pt>`,
  (x) => `\`\`\`\n<script>${x}</script>\n\`\`\``,
  (x) => `\`\`\`"><img src=x onerror=${x}>\n<b>not a fence</b>\n\`\`\``,
  (x) => `\`<img src=x onerror=${x}>\``,
  (x) => `**<img src=x onerror=${x}>** _<svg onload=${x}>_ ~~<script>${x}</script>~~`,
  (x) => ({ text: `> <img src=x onerror=${x}>\n> > <svg onload=${x}>`, visible: `<img src=x onerror=${x}><svg onload=${x}>` }),
  (x) => `line one\n<script>\n${x}\n</script>`,
  (x) => `@channel <img src=x onerror=${x}>`,
  (x) => `@victim"><script>${x}</script>`,
  (x) => `<img src=x onerror=${x}>`.repeat(40),
  // Unicode tricks.
  (x) => `${RLO}<img src=x onerror=${x}>`,
  (x) => `${RLO}gnp.exe<script>${x}</script>`,
  (x) => `＜script＞${x}＜/script＞`,
  (x) => `<scrİpt>${x}</scrİpt>`,
  (x) => `<ſcript>${x}</ſcript>`,
  (x) => `\uFEFF<script>${x}</script>`,
  (x) => `\u2028<script>${x}</script>\u2029`,
  (x) => `<img src=x onerror=${x}>\u0300\u0301`,
  (x) => `😀<svg onload=${x}>😀`,
  // Polyglots.
  (x) => `javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/"/+/onmouseover=1/+/[*/[]/+${x}//'>`,
  (x) => `jaVasCript:/*-/*\`/*\\\`/*'/*"/**/(/* */oNcliCk=${x} )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=${x}//>\\x3e`,
]);

/** Typed into the sender's composer (the rest go through the SDK): the sender's pending and sent views. */
export const typedPayloads: readonly Payload[] = corpus([
  (x) => `<img src=x onerror=${x}> typed`,
  (x) => `<svg/onload=${x}> typed`,
  (x) => `[typed](javascript:${x})`,
  (x) => `<iframe srcdoc="<script>parent.${x}</script>"></iframe> typed`,
  (x) => `typed\n<script>${x}</script>\nover lines`,
  (x) => `**typed** <a href="javascript:${x}">\`code\`</a>`,
]);

/** Display names (at most 64 characters): shown in the sidebar, headers, senders, reactions, "seen by", typing, search. */
export const namePayloads: readonly Payload[] = corpus([
  (x) => `<img src=x onerror=${x}>`,
  (x) => `<svg onload=${x}>`,
  (x) => `<script>${x}</script>`,
  (x) => `"><img src=x onerror=${x}>`,
  (x) => `'><svg/onload=${x}>`,
  (x) => `{{constructor.constructor('${x}')()}}`,
  (x) => `{name}{count}{first} \${${x}}`,
  (x) => `${RLO}<svg onload=${x}>`,
  (x) => `<iframe srcdoc="<script>parent.${x}</script>">`,
  (x) => `[x](javascript:${x})`,
  (x) => `<a href=javascript:${x}>x</a>`,
  (x) => `&lt;b&gt;${x}&lt;/b&gt;`,
  (x) => `javascript:${x}`,
  (x) => `<b onmouseover=${x}>bold</b>`,
  (x) => `<details open ontoggle=${x}>`,
  (x) => `<input autofocus onfocus=${x}>`,
  (x) => `</span><img src=x onerror=${x}>`,
  (x) => `</title><script>${x}</script>`,
  (x) => `<style onload=${x}>`,
  (x) => `<math href=javascript:${x}>m</math>`,
  (x) => `<video src=x onerror=${x}>`,
  (x) => `*<img src=x onerror=${x}>*`,
  (x) => `@channel <svg onload=${x}>`,
  (_x, n) => `<img src=x onerror=alert(${n})>`,
]);

/** The reader's own name (typed into the registration form) and the sender's. */
export const [victimName, malloryName, updatedName] = corpus([
  (x) => `<img src=x onerror=${x}> Vic`,
  (x) => `Mallory <svg/onload=${x}>`,
  (x) => `"'><body onload=${x}>`,
]) as [Payload, Payload, Payload];

/** Group titles (at most 100) and topics (at most 250). */
export const [groupTitle, groupTopic, channelTopic, filesTitle] = corpus([
  (x) => `<img src=x onerror=${x}>"><svg onload=${x}>`,
  (x) => `<script>${x}</script> [x](javascript:${x}) <a href="javascript:${x}">topic</a>`,
  (x) => `<iframe src="javascript:${x}"></iframe> {{constructor.constructor('${x}')()}}`,
  (x) => `Files <img src=x onerror=${x}> & ${RLO}links`,
]) as [Payload, Payload, Payload, Payload];

/** Attachment names (the server neutralises them: no `<>"`, no path, no bidi overrides). */
export const fileNamePayloads: readonly Payload[] = corpus([
  (x) => `<img src=x onerror=${x}>.txt`,
  (x) => `"><svg onload=${x}>.txt`,
  (x) => `'onmouseover='${x}'.txt`,
  (x) => `javascript:${x}.txt`,
  (x) => `&lt;script&gt;${x}&lt;/script&gt;.txt`,
  (x) => `${RLO}txt.${x}.exe`,
  (x) => `{{constructor.constructor('${x}')()}}.txt`,
  (x) => `[x](javascript:${x}).txt`,
  (x) => `%3Cscript%3E${x}%3C%2Fscript%3E.txt`,
  (x) => `<script>${x}</script>.html`,
]);
/** Names given through the SDK: path tricks the browser's file picker would not produce. */
export const pathNamePayloads: readonly Payload[] = corpus([
  (x) => `../../<script>${x}</script>.txt`,
  (x) => `..\\..\\' onerror='${x}.txt`,
  (x) => `/etc/passwd/<img src=x onerror=${x}>`,
  (x) => `...<svg onload=${x}>`,
]);
/** Image names: alt text, the open button's label, and the lightbox. */
export const imageNamePayloads: readonly Payload[] = corpus([
  (x) => `<img src=x onerror=${x}>.png`,
  (x) => `" onerror="${x}.png`,
  (x) => `' onload='${x}' x='.png`,
  (x) => `javascript:${x}.png`,
  (x) => `<svg onload=${x}>.png`,
  (x) => `${RLO}gnp.<script>${x}</script>.png`,
]);

/** Link preview fields: each page's site name, title and description. */
export const previewPayloads: readonly Payload[] = corpus([
  (x) => `<script>${x}</script>`,
  (x) => `<img src=x onerror=${x}>`,
  (x) => `<svg onload=${x}>`,
  (x) => `"><img src=x onerror=${x}>`,
  (x) => `'><script>${x}</script>`,
  (x) => `<iframe srcdoc="<script>parent.${x}</script>"></iframe>`,
  (x) => `<iframe src="javascript:${x}"></iframe>`,
  (x) => `[x](javascript:${x})`,
  (x) => `<javascript:${x}>`,
  (x) => `<a href="javascript:${x}">x</a>`,
  (x) => `&lt;img src=x onerror=${x}&gt;`,
  (x) => `{{constructor.constructor('${x}')()}}`,
  (x) => `\${${x}}`,
  (x) => `${RLO}<svg onload=${x}>`,
  (x) => `<details open ontoggle=${x}>`,
  (x) => `<input autofocus onfocus=${x}>`,
  (x) => `<body onload=${x}>`,
  (x) => `<object data="javascript:${x}"></object>`,
  (x) => `<embed src="javascript:${x}">`,
  (x) => `<style>@import 'javascript:${x}';</style>`,
  (x) => `<div style="background:url(javascript:${x})">x</div>`,
  (x) => `</title><script>${x}</script>`,
  (x) => `</textarea><svg/onload=${x}>`,
  (x) => `<math href="javascript:${x}">m</math>`,
  (x) => `<meta http-equiv="refresh" content="0;url=javascript:${x}">`,
  (x) => `<base href="javascript:${x}//">`,
  (x) => `<!--<img src="--><img src=x onerror=${x}//">`,
  (x) => `<noscript><p title="</noscript><img src=x onerror=${x}>">`,
  (x) => `**<img src=x onerror=${x}>**`,
  (x) => `javascript:${x}`,
  (x) => `data:text/html;base64,${b64(`<script>${x}</script>`)}`,
  (x) => `<video><source onerror=${x}></video>`,
  (x) => `<marquee onstart=${x}>m</marquee>`,
  (x) => `<form><button formaction="javascript:${x}">go</button></form>`,
  (_x, n) => `<img src=x onerror=alert(${n})>`,
  (_x, n) => `<svg onload="window.name='xss${n}'">`,
  (x) => `line\n\n<script>${x}</script>\t\ttabs`,
  (x) => `<scr<script>ipt>${x}</scr</script>ipt>`,
  (x) => `<img src=x onerror=${x}>`.repeat(20),
  (x) => `+ADw-script+AD4-${x}+ADw-/script+AD4-`,
  (x) => `<svg><script>${x}</script></svg>`,
  (x) => `<a href="jav&#x09;ascript:${x}">x</a>`,
  (x) => `<xss id=x tabindex=1 autofocus onfocusin=${x}></xss>`,
  (x) => `<link rel=stylesheet href="javascript:${x}">`,
  (x) => `<template><script>${x}</script></template>`,
]);
/** Page fields that are URLs: never followed by the app (og:url off the page's host is ignored; og:image is fetched by the server). */
export const previewUrlPayloads: readonly Payload[] = corpus([
  (x) => `javascript:${x}`,
  (x) => `data:text/html,<script>${x}</script>`,
  (x) => ` JaVaScRiPt:${x}`,
  (x) => `vbscript:${x}`,
  (x) => `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="${x}"/>`,
  (x) => `javascript://%0a${x}`,
]);

export const corpusSize = () => counter;
