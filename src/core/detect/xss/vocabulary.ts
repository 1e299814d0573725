/** HTML, SVG and MathML names that matter for script injection (from the WHATWG, SVG and MathML specs). */

const words = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));

/** Elements that run script, load active content, restyle or retarget the page by themselves. */
export const DANGEROUS_ELEMENTS = words(`script iframe frame frameset object embed applet base link meta style svg math xml import
  isindex vmlframe bgsound layer ilayer portal template noscript xss handler listener animate set animatemotion animatetransform
  foreignobject use image feimage discard form`);

/**
 * Attributes ordinary formatted text uses (tables, links, images, headings). At `standard`, a tag
 * with any other attribute is treated as an attack: `repeat-start`, `pattern`, `datasrc`, `xmlns:ev`.
 */
export const PLAIN_ATTRIBUTES = words(`alt title class id width height lang dir name target rel colspan rowspan align valign border
  cellpadding cellspacing summary abbr scope headers start type value size color face hreflang datetime cite nowrap role tabindex
  translate spellcheck xml:lang reversed span label checked disabled selected readonly placeholder maxlength minlength rows cols wrap
  for loading decoding referrerpolicy frameborder bgcolor clear compact hspace vspace noshade`);

/** Attributes whose value is a URL the browser may navigate to or load. */
export const URL_ATTRIBUTES = words(`href src action formaction data code codebase background lowsrc dynsrc poster xlink:href
  to from values by ping cite longdesc usemap profile manifest srcset archive classid content folder datasrc xml:base xmlns
  attributename begin`);

/** Event handler names without the `on` prefix, from HTML, SVG, CSS events and legacy browsers. */
export const EVENT_NAMES = words(`abort activate afterprint afterscriptexecute afterupdate animationcancel animationend animationiteration
  animationstart auxclick beforeactivate beforecopy beforecut beforedeactivate beforeeditfocus beforeinput beforematch beforepaste
  beforeprint beforescriptexecute beforetoggle beforeunload beforeupdate begin blur bounce canplay canplaythrough cancel cellchange
  change click close command contentvisibilityautostatechange contextlost contextmenu contextrestored controlselect copy cuechange
  cut dataavailable datasetchanged datasetcomplete dblclick deactivate drag dragdrop dragend dragenter dragexit dragleave dragover
  dragstart drop durationchange emptied encrypted end ended error errorupdate filterchange finish focus focusin focusout formchange
  forminput formdata fullscreenchange fullscreenerror gesturechange gestureend gesturestart gotpointercapture hashchange help input
  invalid keydown keypress keyup languagechange layoutcomplete load loadeddata loadedmetadata loadend loadstart losecapture
  lostpointercapture message messageerror mousedown mouseenter mouseleave mousemove mouseout mouseover mouseup mousewheel move
  moveend movestart mozfullscreenchange mozpointerlockchange offline online orientationchange outofsync overflow pagehide pagereveal
  pageshow pageswap paste pause play playing pointercancel pointerdown pointerenter pointerleave pointerlockchange pointerlockerror
  pointermove pointerout pointerover pointerrawupdate pointerup popstate progress propertychange ratechange readystatechange
  rejectionhandled repeat reset resize resizeend resizestart resume reverse rowdelete rowenter rowexit rowinserted rowsdelete
  rowsinserted scroll scrollend scrollsnapchange scrollsnapchanging search securitypolicyviolation seek seeked seeking select
  selectionchange selectstart show slotchange stalled start stop storage submit suspend syncrestored timeerror timeupdate toggle
  touchcancel touchend touchmove touchstart trackchange transitioncancel transitionend transitionrun transitionstart underflow
  unhandledrejection unload urlflip visibilitychange volumechange waiting webkitanimationend webkitanimationiteration
  webkitanimationstart webkitmouseforcechanged webkitmouseforcedown webkitmouseforceup webkitmouseforcewillbegin
  webkitplaybacktargetavailabilitychanged webkittransitionend webkitwillrevealbottom wheel zoom`);

/** URL schemes that run script when navigated to. */
export const SCRIPT_SCHEMES = words('javascript vbscript livescript mocha jscript ecmascript');
