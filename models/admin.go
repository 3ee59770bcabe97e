package models

import (
	"context"
	"fmt"
)

// CountResponses is the number of stored responses.
func (s *Store) CountResponses(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&Response{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count responses: %w", err)
	}
	return n, nil
}
