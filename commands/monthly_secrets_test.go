package commands_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"teambot/commands/lang"
	"teambot/commands/monthly"
	"teambot/dashboard"
	"teambot/storage"
	"teambot/storage/storagetest"
	"teambot/workbook"
)

// appendixSecrets are texts of the seeded month that belong to its
// appendix only: the ledger's reasons, account names, an escalation, a
// rejected leave's reasons.
var appendixSecrets = []string{"海报延期", "延期是因为需求变更", "双十一推文阅读量破十万", "team_gzh", "lisi_douyin",
	"有用户在社区发广告", "家里装修", "月初要出双十二主图"}

// R5, R14: of the seeded month, the report in chat, the workbook written
// without --confidential and the supervisor's dashboard page hold none of
// the appendix's texts — while the appendix holds them all, and the
// workbook and page do show the month's figures.
func TestNothingOfTheAppendixLeavesIt(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c, clock := seedMonth(t, db)
		ctx := context.Background()
		m := lang.Month{Year: 2026, Month: 11}
		d, err := monthly.Build(ctx, c.engine, c.chatID, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range appendixSecrets {
			if !strings.Contains(d.Appendix.Text(), s) {
				t.Errorf("the appendix lacks %q", s)
			}
		}

		f, err := workbook.Monthly(d, false)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		var xlsx strings.Builder
		for _, part := range zr.File {
			rc, err := part.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			xlsx.Write(b)
		}
		if !strings.Contains(xlsx.String(), "钱七") {
			t.Error("the workbook lacks the members")
		}

		signer, err := dashboard.NewSigner([]byte("a test key of thirty-two bytes!!"), "https://teambot.example")
		if err != nil {
			t.Fatal(err)
		}
		h, err := dashboard.NewHandler(dashboard.Config{Signer: signer, View: dashboard.EngineView(c.engine), Now: func() time.Time { return *clock }})
		if err != nil {
			t.Fatal(err)
		}
		link := signer.Link(1, "wangfang", m, *clock)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, link[strings.Index(link, "/dashboard"):], nil))
		page := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(page, "钱七") || !strings.Contains(page, "84%") {
			t.Fatalf("the supervisor's page: %d\n%s", rec.Code, page)
		}

		for _, s := range appendixSecrets {
			for name, doc := range map[string]string{"report": d.Report.Text(), "workbook": xlsx.String(), "page": page} {
				if strings.Contains(doc, s) {
					t.Errorf("the %s holds %q, of the appendix", name, s)
				}
			}
		}
	})
}
