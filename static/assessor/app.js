// Small progressive enhancements shared by every page (no inline scripts, so a strict CSP holds).
// Filters never submit themselves when a choice changes: an arrow key in a list would reload the page and
// lose the keyboard's place. Every filter form has its own Apply button.
document.documentElement.classList.add("js");
