package models

import (
	"context"
	"fmt"
	"strings"
)

// CountResponses is the number of stored responses.
func (s *Store) CountResponses(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Response{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count responses: %w", err)
	}
	return n, nil
}

// DumpResponses writes every stored response row as text, to check what is kept.
func (s *Store) DumpResponses(ctx context.Context) (string, error) {
	var rows []map[string]any
	if err := s.db.WithContext(ctx).Table("responses").Find(&rows).Error; err != nil {
		return "", err
	}
	var b strings.Builder
	for _, r := range rows {
		for k, v := range r {
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(toString(v), "\n", " "), "\r", " ")))
			b.WriteByte(' ')
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// SetCounterField presets the procedure field of every response at a counter ("" to ask).
func (s *Store) SetCounterField(ctx context.Context, counterID uint, field string) error {
	return s.db.WithContext(ctx).Model(&Counter{}).Where("id = ?", counterID).Update("field", field).Error
}
