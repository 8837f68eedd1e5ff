"use strict";
// 上传页: sends the chosen or dropped workbooks, then polls the job's status until every file is done,
// and shows each finished file's completed 自评表 (its preview, fetched once) with the flagged cells marked.
// Every text from the server goes in as textContent, never as HTML: a workbook's text is untrusted.
(function () {
  const $ = (id) => document.getElementById(id);
  const message = $("upload-message");
  const previews = new Map();  // "job/n" → the preview's JSON, or "loading"
  const collapsed = new Set();  // "job/n" of the previews the clerk closed: they stay closed when the page redraws
  let current = null;
  let timer = null;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function upload(files) {
    if (!files.length) return;
    const form = new FormData();
    for (const f of files) form.append("files", f, f.name);
    form.append("draft", $("draft").checked ? "1" : "0");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/jobs");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) message.textContent = "正在上传… " + Math.round((100 * e.loaded) / e.total) + "%";
    };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status === 201) {
        message.textContent = "上传完成，正在处理…";
        location.hash = body.id;
        watch(body.id);
      } else {
        message.textContent = "错误：" + (body.error || "上传失败（" + xhr.status + "）");
      }
    };
    xhr.onerror = () => { message.textContent = "错误：无法连接服务器，请检查网络后重试。"; };
    message.textContent = "正在上传…";
    xhr.send(form);
  }

  function watch(id) {
    if (timer) clearTimeout(timer);
    const poll = () => {
      fetch("/api/jobs/" + id).then((r) => r.json().then((body) => [r.status, body])).then(([code, body]) => {
        if (code !== 200) { message.textContent = "错误：" + (body.error || code); return; }
        current = body;
        render(body);
        if (!body.done) timer = setTimeout(poll, 1000);
        else message.textContent = "处理完成。";
      }).catch(() => { timer = setTimeout(poll, 3000); });
    };
    poll();
  }

  function loadPreview(job, n) {
    const key = job.id + "/" + n;
    if (previews.has(key)) return previews.get(key);
    previews.set(key, "loading");
    fetch("/api/jobs/" + job.id + "/files/" + n + "/preview")
      .then((r) => r.json().then((body) => [r.status, body]))
      .then(([code, body]) => {
        previews.set(key, code === 200 ? body : { note: body.error || "预览暂不可用。" });
        if (current && current.id === job.id) render(current);
      })
      .catch(() => previews.delete(key));  // tried again at the next render
    return "loading";
  }

  function previewBlock(p, severity, key) {
    if (p === "loading") return el("p", { class: "preview-note" }, "正在生成预览…");
    if (p.note) return el("p", { class: "preview-note" }, p.note);
    const box = el("details", collapsed.has(key) ? { class: "preview" } : { class: "preview", open: "" });
    box.addEventListener("toggle", () => { if (box.open) collapsed.delete(key); else collapsed.add(key); });
    box.appendChild(el("summary", {}, "已填自评表预览（工作表“" + p.sheet + "”）"));
    const legend = el("p", { class: "legend" });
    legend.appendChild(el("span", { class: "mark-error" }, "错误"));
    legend.appendChild(el("span", { class: "mark-warning" }, "提示"));
    legend.appendChild(el("span", { class: "mark-rounding" }, "尾差"));
    legend.appendChild(el("span", { class: "filled" }, "由 perfxlsx 计算填入"));
    legend.appendChild(el("span", { class: "hint" }, "鼠标停在有框的单元格上可看说明。"));
    box.appendChild(legend);
    const table = el("table", { class: "sheet" });
    for (const row of p.rows) {
      const tr = el("tr");
      for (const c of row) {
        const td = el("td", { "data-ref": c.ref }, c.text);
        const classes = [];
        if (c.colspan) td.colSpan = c.colspan;
        if (c.rowspan) td.rowSpan = c.rowspan;
        if (c.number) classes.push("num");
        if (c.filled) classes.push("filled");
        const notes = (c.notes || []).filter((f) => !severity || f.severity === severity);
        if (notes.length) {
          classes.push("mark", "mark-" + notes[0].severity);
          td.title = notes.map((f) => c.ref + " " + f.severity_zh + "：" + f.message).join("\n");
        } else if (c.filled) {
          td.title = c.ref + " 由 perfxlsx 计算填入";
        }
        if (classes.length) td.className = classes.join(" ");
        tr.appendChild(td);
      }
      table.appendChild(tr);
    }
    const scroll = el("div", { class: "scroll" });
    scroll.appendChild(table);
    box.appendChild(scroll);
    if (p.outside) box.appendChild(el("p", { class: "preview-note" }, "另有 " + p.outside + " 条审核发现所在的单元格超出预览范围，见上表。"));
    return box;
  }

  function render(job) {
    $("job").hidden = false;
    $("zip").href = "/api/jobs/" + job.id + "/zip";
    const severity = $("severity").value;
    const box = $("results");
    box.textContent = "";
    for (const file of job.files) {
      const card = el("article", { class: "file " + file.state, "data-n": file.n });
      card.appendChild(el("h3", {}, file.name));
      const r = file.result;
      if (file.state === "pending") {
        card.appendChild(el("p", { class: "state" }, "处理中…"));
      } else if (file.state === "error") {
        card.appendChild(el("p", { class: "state error-message" }, r.error));
      } else {
        const facts = el("p", { class: "facts" });
        facts.appendChild(el("span", {}, (r.unit || "（未识别单位）") + "，" + (r.year || "（未识别年度）") + "年度"));
        const rate = r.rates["预算执行率"];
        facts.appendChild(el("span", { class: "rate" }, "预算执行率 " + (rate === null || rate === undefined ? "—" : rate + "%")));
        facts.appendChild(el("span", { class: "score" }, "总分 " + (r.scores["总分"] || "—")));
        facts.appendChild(el("span", { class: "grade" }, "等次 " + (r.scores["等次"] || "—")));
        facts.appendChild(el("span", {}, "错误 " + r.counts.error + "，提示 " + r.counts.warning + "，尾差 " + r.counts.rounding));
        card.appendChild(facts);
        const links = el("p", { class: "links" });
        if (r.workbook) links.appendChild(el("a", { class: "button", href: "/api/jobs/" + job.id + "/files/" + file.n + "/workbook" }, "下载已填工作簿"));
        if (r.draft) links.appendChild(el("a", { class: "button", href: "/api/jobs/" + job.id + "/files/" + file.n + "/draft" }, "下载自评报告初稿"));
        card.appendChild(links);
        const rows = r.findings.filter((f) => !severity || f.severity === severity);
        if (rows.length) {
          const table = el("table", { class: "findings" });
          const head = el("tr");
          for (const h of ["严重程度", "表", "单元格", "说明"]) head.appendChild(el("th", {}, h));
          table.appendChild(head);
          for (const f of rows) {
            const tr = el("tr", { class: f.severity });
            tr.appendChild(el("td", {}, f.severity_zh));
            tr.appendChild(el("td", {}, f.sheet || ""));
            tr.appendChild(el("td", {}, f.cell || ""));
            tr.appendChild(el("td", {}, f.message));
            table.appendChild(tr);
          }
          card.appendChild(table);
        } else {
          card.appendChild(el("p", {}, severity ? "没有这一类审核发现。" : "没有审核发现。"));
        }
        if (r.workbook) card.appendChild(previewBlock(loadPreview(job, file.n), severity, job.id + "/" + file.n));
      }
      box.appendChild(card);
    }
  }

  $("files").addEventListener("change", (e) => upload(e.target.files));
  $("severity").addEventListener("change", () => { if (current) render(current); });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); upload(e.dataTransfer.files); });
  if (location.hash.length > 1) watch(location.hash.slice(1));
})();
