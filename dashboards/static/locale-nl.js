/* Dutch texts and number format for the Plotly charts of the Monitor Sociaal Domein.
   Plotly ships only English; this registers locale "nl", used by every chart's config. */
if (window.Plotly) {
  Plotly.register({
    moduleType: "locale",
    name: "nl",
    dictionary: {
      "Download plot as a PNG": "Grafiek downloaden als afbeelding",
      "Download plot as a png": "Grafiek downloaden als afbeelding",
      "Download plot": "Grafiek downloaden",
      "Produced with Plotly.js": "Gemaakt met Plotly.js",
      "Double-click to zoom back out": "Dubbelklik om uit te zoomen",
      "Autoscale": "Automatisch schalen",
      "Reset axes": "Assen herstellen",
      "Zoom in": "Inzoomen",
      "Zoom out": "Uitzoomen",
      "Pan": "Verschuiven",
      "Zoom": "Zoomen",
      "Taking snapshot - this may take a few seconds": "Afbeelding maken, dit kan enkele seconden duren",
      "Snapshot succeeded": "Afbeelding gemaakt",
      "Sorry, there was a problem downloading your snapshot!": "Het downloaden van de afbeelding is mislukt."
    },
    format: {
      days: ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
      shortDays: ["zo", "ma", "di", "wo", "do", "vr", "za"],
      months: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december"],
      shortMonths: ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
      periods: ["AM", "PM"],
      dateTime: "%a %e %b %Y %X",
      date: "%d-%m-%Y",
      time: "%H:%M:%S",
      decimal: ",",
      thousands: ".",
      grouping: [3],
      currency: ["€ ", ""],
      year: "%Y",
      month: "%b %Y",
      dayMonth: "%-d %b",
      dayMonthYear: "%-d %b %Y"
    }
  });
}
