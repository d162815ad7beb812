/* Draws every [data-chart] element with ECharts: the attribute names the id of the
   <script type="application/json"> that holds the chart's data (json_script), as
   {kind: "bar"|"line"|"pie", title, unit, series: [{name, data: [{name, value, url}]}]}.
   A click on a bar, point or slice opens the records behind it (its url). */
(function () {
  "use strict";
  var HEIGHTS = { sm: 220, md: 300, lg: 420 };

  function readData(id) {
    var holder = document.getElementById(id);
    if (!holder) return null;
    try { return JSON.parse(holder.textContent); } catch (e) { return null; }
  }

  function barOption(data) {
    var first = data.series[0] ? data.series[0].data : [];
    return {
      tooltip: { trigger: "axis" },
      legend: { show: data.series.length > 1 },
      grid: { left: 48, right: 16, bottom: 72, top: 36 },
      xAxis: {
        type: "category",
        data: first.map(function (d) { return d.name; }),
        axisLabel: { interval: 0, rotate: first.length > 6 ? 30 : 0 }
      },
      yAxis: { type: "value", name: data.unit || "" },
      series: data.series.map(function (s) {
        return { name: s.name, type: data.kind === "line" ? "line" : "bar", data: s.data };
      })
    };
  }

  function pieOption(data) {
    var count = data.series.length || 1;
    return {
      tooltip: { trigger: "item", formatter: "{a}<br>{b}：{c}" + (data.unit || "") + "（{d}%）" },
      series: data.series.map(function (s, i) {
        return {
          name: s.name,
          type: "pie",
          radius: count < 2 ? ["35%", "60%"] : ["28%", "46%"],
          center: [((i + 0.5) * 100 / count) + "%", "50%"],
          label: { formatter: "{b}\n{c}" },
          data: s.data
        };
      }),
      title: count < 2 ? [] : data.series.map(function (s, i) {
        return { text: s.name, left: ((i + 0.5) * 100 / count) + "%", top: "46%", textAlign: "center",
                 textStyle: { fontSize: 13 } };
      })
    };
  }

  function draw(element) {
    if (!window.echarts || element.dataset.drawn) return;
    var data = readData(element.dataset.chart);
    if (!data || !data.series) return;
    element.dataset.drawn = "1";
    element.textContent = "";
    var size = (element.className.match(/chart-(sm|md|lg)/) || [])[1] || "md";
    element.style.height = HEIGHTS[size] + "px";
    var chart = window.echarts.init(element);
    chart.setOption(data.kind === "pie" ? pieOption(data) : barOption(data));
    chart.on("click", function (params) {
      if (params.data && params.data.url) window.location.assign(params.data.url);
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
