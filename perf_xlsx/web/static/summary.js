"use strict";
// 汇总页: every unit's rates, scores, grade and counts, as 汇总.xlsx has them.
(function () {
  const message = document.getElementById("summary-message");
  const table = document.getElementById("summary");
  fetch("/api/summary").then((r) => r.json().then((body) => [r.status, body])).then(([code, body]) => {
    if (code !== 200) { message.textContent = "错误：" + (body.error || code); return; }
    if (!body.rows.length) { message.textContent = "还没有处理完的工作簿。"; return; }
    message.textContent = "共 " + body.rows.length + " 个工作簿。";
    const head = document.createElement("tr");
    for (const c of body.columns) { const th = document.createElement("th"); th.textContent = c; head.appendChild(th); }
    table.appendChild(head);
    const wide = new Set(["文件", "单位", "原因"]);  // text that wraps: given room, the numbers keep theirs
    for (const row of body.rows) {
      const tr = document.createElement("tr");
      row.forEach((v, i) => {
        const td = document.createElement("td");
        td.textContent = v;
        if (wide.has(body.columns[i])) td.className = "wide";
        tr.appendChild(td);
      });
      table.appendChild(tr);
    }
  }).catch(() => { message.textContent = "错误：无法连接服务器，请刷新页面重试。"; });
})();
